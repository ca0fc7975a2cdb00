/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { fireEvent, screen, within } from "@testing-library/react";
import { RecoverForm } from "@/app/orgs/[slug]/settings/webhooks/_components/recover-form";
import { StatusToggle } from "@/app/orgs/[slug]/settings/webhooks/_components/status-toggle";
import { forbidden, rateLimited } from "./msw/errors";
import { makeEndpointJson, makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

const endpoint = makeEndpointJson();

describe("endpoint status toggle", () => {
  it("disables an active endpoint only after confirmation", async () => {
    server.use(api.updateEndpoint({ endpoint: { ...endpoint, status: "disabled", disabledReason: "Disabled by an administrator" } }));
    const { user, router } = renderInOrganization(<StatusToggle endpointId={endpoint.id} status="active" />);

    await user.click(screen.getByRole("button", { name: "Disable endpoint" }));
    const dialog = screen.getByRole("dialog", { name: "Disable this endpoint?" });
    expect(within(dialog).getByText(/its pending deliveries are cancelled/)).toBeTruthy();
    expect(received).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Disable endpoint" }));

    expect(await screen.findByRole("button", { name: "Disable endpoint" })).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toEqual([{ method: "PATCH", path: `/api/webhooks/endpoints/${endpoint.id}`, body: { status: "disabled" }, organizationId: makeOrganization().id }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("enables a disabled endpoint at once", async () => {
    server.use(api.updateEndpoint({ endpoint }));
    const { user, router } = renderInOrganization(<StatusToggle endpointId={endpoint.id} status="disabled" />);

    await user.click(screen.getByRole("button", { name: "Enable endpoint" }));

    expect(await screen.findByRole("button", { name: "Enable endpoint" })).toHaveProperty("disabled", false);
    expect(received.map((request) => request.body)).toEqual([{ status: "active" }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("shows why enabling was refused (403)", async () => {
    server.use(api.updateEndpoint(forbidden()));
    const { user, router } = renderInOrganization(<StatusToggle endpointId={endpoint.id} status="disabled" />);

    await user.click(screen.getByRole("button", { name: "Enable endpoint" }));

    expect((await screen.findByRole("alert")).textContent).toBe("Only owners and admins can do this");
    expect(router.refresh).not.toHaveBeenCalled();
  });
});

describe("recover failed deliveries", () => {
  const sinceField = () => screen.getByLabelText("Recover failed deliveries since");

  it("re-queues the deliveries since the time the user chose and says how many", async () => {
    server.use(api.recoverDeliveries({ requeued: 3 }));
    const { user, router } = renderInOrganization(<RecoverForm endpointId={endpoint.id} disabled={false} />);

    // user-event cannot type into a datetime-local input; the browser's picker sets the value.
    fireEvent.change(sinceField(), { target: { value: "2026-01-10T08:15" } });
    await user.click(screen.getByRole("button", { name: "Recover deliveries" }));

    expect(await screen.findByText("3 deliveries re-queued")).toBeTruthy();
    // The value has no zone: the page reads it in the viewer's time zone, as the user meant it.
    expect(received).toEqual([
      { method: "POST", path: `/api/webhooks/endpoints/${endpoint.id}/recover`, body: { since: new Date("2026-01-10T08:15").toISOString() }, organizationId: makeOrganization().id },
    ]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("shows a 429 at the field with the wait", async () => {
    server.use(api.recoverDeliveries(rateLimited({ what: "recoveries of failed deliveries", limit: "5/1h", retryAfterSeconds: 1800 })));
    const { user } = renderInOrganization(<RecoverForm endpointId={endpoint.id} disabled={false} />);

    await user.click(screen.getByRole("button", { name: "Recover deliveries" }));

    expect(await screen.findByText(/Too many recoveries of failed deliveries for this organization: the limit is 5\/1h; try again in 1800 s/)).toBeTruthy();
    expect(sinceField().getAttribute("aria-invalid")).toBe("true");
  });

  it("refuses a time in the future without calling the server", async () => {
    const { user } = renderInOrganization(<RecoverForm endpointId={endpoint.id} disabled={false} />);

    fireEvent.change(sinceField(), { target: { value: "2999-01-01T00:00" } });
    await user.click(screen.getByRole("button", { name: "Recover deliveries" }));

    expect(screen.getByText("Choose a time in the past.")).toBeTruthy();
    expect(received).toHaveLength(0);
  });

  it("cannot be used while the endpoint is disabled", () => {
    renderInOrganization(<RecoverForm endpointId={endpoint.id} disabled />);
    expect(screen.getByRole("button", { name: "Recover deliveries" })).toHaveProperty("disabled", true);
    expect(screen.getByText("Enable the endpoint before recovering deliveries.")).toBeTruthy();
  });
});
