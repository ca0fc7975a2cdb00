/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen } from "@testing-library/react";
import { EndpointHeadersForm } from "@/app/orgs/[slug]/settings/webhooks/_components/endpoint-headers-form";
import { ReplayMissed } from "@/app/orgs/[slug]/settings/webhooks/_components/replay-missed";
import { apiError } from "./msw/errors";
import { makeEndpointJson } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();
const endpoint = makeEndpointJson();
const MASK = "••••••••";

function renderHeaders(names: string[] = ["Authorization"]) {
  return renderInOrganization(<EndpointHeadersForm endpointId={endpoint.id} names={names} mask={MASK} max={20} />);
}

describe("custom headers", () => {
  it("shows saved headers by name with the value masked, never the value", () => {
    renderHeaders(["Authorization", "X-Tenant"]);
    const list = screen.getByRole("list", { name: "Saved headers" });
    expect(list.textContent).toContain(`Authorization: ${MASK}`);
    expect(list.textContent).toContain(`X-Tenant: ${MASK}`);
    expect((screen.getByLabelText("Value") as HTMLInputElement).type).toBe("password");
  });

  it("adds or replaces one header by name, sending only that change", async () => {
    server.use(api.updateEndpoint({ endpoint }));
    const { user, router } = renderHeaders();
    await user.type(screen.getByLabelText("Header name"), "authorization");
    await user.type(screen.getByLabelText("Value"), "Bearer new-token");
    await user.click(screen.getByRole("button", { name: "Save header" }));

    expect((await screen.findByRole("status")).textContent).toBe("authorization replaced.");
    expect(received.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: "PATCH", path: `/api/webhooks/endpoints/${endpoint.id}`, body: { headerChanges: { set: { authorization: "Bearer new-token" } } } },
    ]);
    expect((screen.getByLabelText("Value") as HTMLInputElement).value).toBe("");
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("removes one header", async () => {
    server.use(api.updateEndpoint({ endpoint }));
    const { user } = renderHeaders(["Authorization", "X-Tenant"]);
    await user.click(screen.getByRole("button", { name: "Remove X-Tenant" }));
    expect((await screen.findByRole("status")).textContent).toBe("X-Tenant removed.");
    expect(received.map((request) => request.body)).toEqual([{ headerChanges: { remove: ["X-Tenant"] } }]);
  });

  it("asks for a name and a value before calling the API, and shows the server's refusal", async () => {
    const { user } = renderHeaders([]);
    expect(screen.getByText(/No custom headers/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Save header" }));
    expect(screen.getByText("Enter a header name, such as Authorization.")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText("Header name"));
    await user.type(screen.getByLabelText("Header name"), "Host");
    await user.click(screen.getByRole("button", { name: "Save header" }));
    expect(screen.getByText("Enter the value to send.")).toBeTruthy();
    expect(received).toHaveLength(0);

    server.use(api.updateEndpoint(apiError(422, "invalid_headers", "Host is set by the platform or the connection and cannot be replaced")));
    await user.type(screen.getByLabelText("Value"), "internal.example");
    await user.click(screen.getByRole("button", { name: "Save header" }));
    expect(await screen.findByText("Host is set by the platform or the connection and cannot be replaced")).toBeTruthy();
  });
});

describe("replay what was missed", () => {
  it("offers the count, replays through the recover API and says how many were queued", async () => {
    server.use(api.recoverDeliveries({ requeued: 3 }));
    const { user, router } = renderInOrganization(<ReplayMissed endpointId={endpoint.id} count={3} since="2026-12-01T10:00:00.000Z" />);
    expect(screen.getByText(/3 events it subscribes to were not/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Replay the 3 events since it was disabled" }));
    expect((await screen.findByRole("status")).textContent).toBe("3 events queued for delivery again.");
    expect(received.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: "POST", path: `/api/webhooks/endpoints/${endpoint.id}/recover`, body: { missed: true } },
    ]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("shows a conflict when the endpoint was disabled again meanwhile", async () => {
    server.use(api.recoverDeliveries(apiError(409, "endpoint_disabled", "The endpoint is disabled; enable it before recovering or replaying deliveries")));
    const { user } = renderInOrganization(<ReplayMissed endpointId={endpoint.id} count={1} since="2026-12-01T10:00:00.000Z" />);
    await user.click(screen.getByRole("button", { name: "Replay the 1 event since it was disabled" }));
    expect(await screen.findByText(/enable it before recovering or replaying/)).toBeTruthy();
  });
});
