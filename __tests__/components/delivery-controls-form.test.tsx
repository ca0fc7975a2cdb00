/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen } from "@testing-library/react";
import { DeliveryControlsForm, type DeliveryControls } from "@/app/orgs/[slug]/settings/webhooks/_components/delivery-controls-form";
import { RedeliverButton } from "@/app/orgs/[slug]/settings/webhooks/history/_components/redeliver-button";
import { invalidBody } from "./msw/errors";
import { makeEndpointJson, makeManualAttemptResult } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

const endpoint = makeEndpointJson();
const presets = [
  { name: "standard" as const, label: "Standard", schedule: "8 attempts over about 27.6 hours" },
  { name: "short" as const, label: "Short", schedule: "7 attempts over about 63 minutes" },
  { name: "none" as const, label: "No retries", schedule: "One attempt" },
];

function renderForm(controls: DeliveryControls = { ordering: "none", rateLimitPerSecond: null, retryPreset: "standard", sendTraceparent: false }) {
  return renderInOrganization(<DeliveryControlsForm endpointId={endpoint.id} controls={controls} presets={presets} rateLimit={{ min: 1, max: 1000 }} />);
}

const save = () => screen.getByRole("button", { name: "Save delivery settings" });

describe("delivery controls form", () => {
  it("sends only what changed, as a PATCH, and says it saved", async () => {
    server.use(api.updateEndpoint({ endpoint: { ...endpoint, ordering: "ordered", rateLimitPerSecond: 20 } }));
    const { user, router } = renderForm();

    await user.click(screen.getByRole("radio", { name: /In order by ordering key/ }));
    await user.click(screen.getByRole("checkbox", { name: /Limit how many attempts start each second/ }));
    await user.type(screen.getByLabelText("Attempts per second"), "20");
    await user.click(save());

    expect((await screen.findByRole("status")).textContent).toBe("Delivery settings saved.");
    expect(received.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: "PATCH", path: `/api/webhooks/endpoints/${endpoint.id}`, body: { ordering: "ordered", rateLimitPerSecond: 20 } },
    ]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("turning the limit off sends null, and a new preset goes alone", async () => {
    server.use(api.updateEndpoint({ endpoint }));
    const { user } = renderForm({ ordering: "ordered", rateLimitPerSecond: 5, retryPreset: "standard", sendTraceparent: false });

    expect((screen.getByLabelText("Attempts per second") as HTMLInputElement).value).toBe("5");
    await user.click(screen.getByRole("checkbox", { name: /Limit how many attempts start each second/ }));
    await user.click(screen.getByRole("radio", { name: /Short/ }));
    await user.click(save());

    await screen.findByRole("status");
    expect(received.map((request) => request.body)).toEqual([{ rateLimitPerSecond: null, retryPreset: "short" }]);
  });

  it.each(["0", "1001", "2.5", ""])("refuses a limit of %j in the browser, without calling the API", async (value) => {
    const { user } = renderForm({ ordering: "none", rateLimitPerSecond: 10, retryPreset: "standard", sendTraceparent: false });
    const field = screen.getByLabelText("Attempts per second");
    await user.clear(field);
    if (value) await user.type(field, value);
    await user.click(save());

    expect(screen.getByText("Enter a whole number from 1 to 1000, or turn the limit off.")).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(field);
    expect(received).toHaveLength(0);
  });

  it("shows the server's answer under the field it concerns", async () => {
    server.use(api.updateEndpoint(invalidBody([{ path: ["rateLimitPerSecond"], message: "Too big: expected number to be <=1000" }])));
    const { user } = renderForm({ ordering: "none", rateLimitPerSecond: 10, retryPreset: "standard", sendTraceparent: false });
    const field = screen.getByLabelText("Attempts per second");
    await user.clear(field);
    await user.type(field, "12");
    await user.click(save());

    expect(await screen.findByText("Too big: expected number to be <=1000")).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBe("true");
  });

  it("the traceparent checkbox shows the setting and sends only its change", async () => {
    server.use(api.updateEndpoint({ endpoint: { ...endpoint, sendTraceparent: true } }));
    const { user } = renderForm();
    const box = screen.getByRole("checkbox", { name: "Send traceparent header" }) as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(screen.getByText(/W3C traceparent header/).id).toBe(box.getAttribute("aria-describedby"));

    await user.click(box);
    await user.click(save());
    await screen.findByRole("status");
    expect(received.map((request) => request.body)).toEqual([{ sendTraceparent: true }]);
  });

  it("turning the traceparent header off sends false", async () => {
    server.use(api.updateEndpoint({ endpoint }));
    const { user } = renderForm({ ordering: "none", rateLimitPerSecond: null, retryPreset: "standard", sendTraceparent: true });
    const box = screen.getByRole("checkbox", { name: "Send traceparent header" }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    await user.click(box);
    await user.click(save());
    await screen.findByRole("status");
    expect(received.map((request) => request.body)).toEqual([{ sendTraceparent: false }]);
  });

  it("says so when nothing changed, and sends nothing", async () => {
    const { user } = renderForm();
    await user.click(save());
    expect(screen.getByRole("status").textContent).toBe("Nothing to save: these are the current settings.");
    expect(received).toHaveLength(0);
  });
});

describe("redeliver on an ordered endpoint", () => {
  it("says before sending that it goes outside the order, and shows the server's note after", async () => {
    const note = "Sent now, outside this endpoint's order by key: a redelivery does not wait for earlier deliveries of its key, and later ones do not wait for it.";
    server.use(api.redeliver({ result: makeManualAttemptResult({ outsideOrder: { orderingKey: "order-42", note } }) }));
    const { user } = renderInOrganization(<RedeliverButton deliveryId="msg_01jd7k9v1xq2w3e4r5t6y7u8i9" endpointActive outsideOrder />);

    expect(screen.getByText(/a redelivery goes now, outside that order/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Redeliver" }));
    expect((await screen.findByTestId("outside-order-note")).textContent).toBe(note);
  });
});
