/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, within } from "@testing-library/react";
import { HttpResponse } from "msw";
import { TestEventPicker } from "@/app/orgs/[slug]/settings/webhooks/_components/test-event-picker";
import type { TestEventOption } from "@/app/orgs/[slug]/settings/webhooks/_components/test-event-options";
import { rateLimited } from "./msw/errors";
import { makeEndpointJson, makeManualAttemptResult, makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

const endpoint = makeEndpointJson({ eventTypes: ["invoice.paid", "user.created"] });
/** What the page computes on the server (testEventOptions): the types this endpoint receives, webhook.test first, with their payloads. */
const option = (name: string, data: object): TestEventOption => ({
  name,
  description: `${name} sample`,
  payload: JSON.stringify({ event: name, idempotencyKey: "test-msg_…", timestamp: "(the time of sending)", data }, null, 2),
  schema: JSON.stringify({ type: "object", title: `${name} data` }, null, 2),
});
const options = [option("webhook.test", { endpointId: endpoint.id }), option("user.created", { userId: "usr_1" }), option("invoice.paid", { invoiceId: "inv_1" })];

/** Opens the picker, sends the test event (of `eventType` when given) and returns the outcome region once it appears. */
async function sendTestEvent(eventType?: string) {
  const rendered = renderInOrganization(<TestEventPicker endpointId={endpoint.id} options={options} />);
  await rendered.user.click(screen.getByRole("button", { name: "Send test event" }));
  if (eventType) await rendered.user.selectOptions(screen.getByRole("combobox", { name: /Event type/ }), eventType);
  await rendered.user.click(screen.getByRole("button", { name: `Send ${eventType ?? "webhook.test"}` }));
  return { ...rendered, outcome: await screen.findByTestId("test-result") };
}

describe("send test event", () => {
  it("offers the types this endpoint receives, webhook.test first, and shows the payload before sending", async () => {
    const { user } = renderInOrganization(<TestEventPicker endpointId={endpoint.id} options={options} />);
    await user.click(screen.getByRole("button", { name: "Send test event" }));
    const select = screen.getByRole("combobox", { name: /Event type/ });
    expect(within(select).getAllByRole("option").map((choice) => choice.textContent)).toEqual(["webhook.test", "user.created", "invoice.paid"]);
    expect(screen.getByText("webhook.test sample")).toBeTruthy();
    await user.selectOptions(select, "invoice.paid");
    const payload = JSON.parse(screen.getByTestId("test-event-payload").textContent!);
    expect(payload).toMatchObject({ event: "invoice.paid", idempotencyKey: expect.stringMatching(/^test-/), data: { invoiceId: "inv_1" } });
    expect(screen.getByText("invoice.paid sample")).toBeTruthy();
    await user.click(screen.getByText("Schema of invoice.paid's data"));
    expect(JSON.parse(screen.getByTestId("test-event-schema").textContent!)).toEqual({ type: "object", title: "invoice.paid data" });
    expect(received).toEqual([]);
  });

  it("sends the chosen type", async () => {
    server.use(api.sendTestEvent({ result: makeManualAttemptResult({ statusCode: 200 }) }));
    await sendTestEvent("invoice.paid");
    expect(received).toMatchObject([{ method: "POST", path: `/api/webhooks/endpoints/${endpoint.id}/test`, body: { eventType: "invoice.paid" } }]);
  });

  it("shows a delivered test with its status code, duration and a link to the delivery", async () => {
    const result = makeManualAttemptResult({ statusCode: 204, durationMs: 87, responseSnippet: "" });
    server.use(api.sendTestEvent({ result }));

    const { outcome, router } = await sendTestEvent();

    expect(within(outcome).getByText("Delivered")).toBeTruthy();
    expect(within(outcome).getByText("HTTP 204 in 87 ms")).toBeTruthy();
    expect(within(outcome).getByText("Empty")).toBeTruthy();
    expect(within(outcome).getByRole("link", { name: "View this delivery" }).getAttribute("href")).toBe(`/orgs/acme/settings/webhooks/history/${result.deliveryId}`);
    // Not the body: an event-type choice may be added to it.
    expect(received).toMatchObject([{ method: "POST", path: `/api/webhooks/endpoints/${endpoint.id}/test`, organizationId: makeOrganization().id }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("shows the receiver's failure with the body it answered", async () => {
    server.use(
      api.sendTestEvent({
        result: makeManualAttemptResult({ success: false, status: "pending", statusCode: 500, error: "HTTP 500", durationMs: 312, responseSnippet: '{"error":"database unavailable"}' }),
      }),
    );

    const { outcome } = await sendTestEvent();

    expect(within(outcome).getByText("Not delivered")).toBeTruthy();
    expect(within(outcome).getByText("HTTP 500 in 312 ms")).toBeTruthy();
    expect(within(outcome).getByText("Response body")).toBeTruthy();
    expect(within(outcome).getByText('{"error":"database unavailable"}')).toBeTruthy();
  });

  it("explains a send that never reached the receiver (blocked address)", async () => {
    const error = "hooks.internal.example is or resolves to an address webhooks may not reach (private, link-local or metadata)";
    server.use(api.sendTestEvent({ result: makeManualAttemptResult({ success: false, status: "failed", statusCode: undefined, error, durationMs: 3, responseSnippet: undefined }) }));

    const { outcome } = await sendTestEvent();

    expect(within(outcome).getByText("Not delivered")).toBeTruthy();
    expect(within(outcome).getByText("No HTTP response in 3 ms")).toBeTruthy();
    expect(within(outcome).getByText(error)).toBeTruthy();
    expect(within(outcome).queryByText(/Response body/)).toBeNull();
  });

  it("says when test sends are rate limited (429) and how long to wait", async () => {
    server.use(api.sendTestEvent(rateLimited({ what: "test sends", limit: "10/1m", retryAfterSeconds: 42 })));

    const { outcome } = await sendTestEvent();

    const alert = within(outcome).getByRole("alert");
    expect(within(alert).getByText("The test event could not be sent")).toBeTruthy();
    expect(alert.textContent).toContain("Too many test sends for this organization: the limit is 10/1m; try again in 42 s");
    expect(screen.getByRole("button", { name: "Send webhook.test" })).toHaveProperty("disabled", false);
  });

  it("says when the server cannot be reached", async () => {
    server.use(api.sendTestEvent(HttpResponse.error()));

    const { outcome } = await sendTestEvent();

    expect(within(outcome).getByRole("alert").textContent).toContain("Could not reach the server. Check your connection and try again.");
  });
});
