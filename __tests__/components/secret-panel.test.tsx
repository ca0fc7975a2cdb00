/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, within } from "@testing-library/react";
import { SecretPanel } from "@/app/orgs/[slug]/settings/webhooks/_components/secret-panel";
import { forbidden, notFound } from "./msw/errors";
import { makeEndpointJson, makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

const endpoint = makeEndpointJson();
const SECRET = "whsec_b2xkLXNpZ25pbmctc2VjcmV0LWJ5dGVz";
const NEW_SECRET = "whsec_bmV3LXNpZ25pbmctc2VjcmV0LWJ5dGVz";

function renderPanel(options: Parameters<typeof renderInOrganization>[1] = {}) {
  return renderInOrganization(<SecretPanel endpointId={endpoint.id} graceText="24 hours" />, options);
}

describe("signing secret panel", () => {
  it("reveals the secret on request and copies it without asking the server again", async () => {
    server.use(api.revealSecret({ secret: SECRET }));
    const { user } = renderPanel();

    expect(screen.queryByText(SECRET)).toBeNull();
    await user.click(screen.getByRole("button", { name: "Reveal" }));

    expect(await screen.findByText(SECRET)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Copy signing secret" }));
    expect(await screen.findByText("Signing secret copied to clipboard")).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(received).toEqual([{ method: "GET", path: `/api/webhooks/endpoints/${endpoint.id}/secret`, body: undefined, organizationId: makeOrganization().id }]);

    await user.click(screen.getByRole("button", { name: "Hide" }));
    expect(screen.queryByText(SECRET)).toBeNull();
  });

  it("copies the secret without showing it", async () => {
    server.use(api.revealSecret({ secret: NEW_SECRET }));
    const { user } = renderPanel();

    await user.click(screen.getByRole("button", { name: "Copy signing secret" }));

    expect(await screen.findByText("Signing secret copied to clipboard")).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(NEW_SECRET);
    expect(screen.queryByText(NEW_SECRET)).toBeNull();
    expect(received).toHaveLength(1);
  });

  it("rotates only after confirmation, then shows the new secret and until when the old one still signs", async () => {
    const previousSecretExpiresAt = new Date("2026-01-16T09:30:00.000Z");
    server.use(api.rotateSecret({ endpoint: { ...endpoint, previousSecretExpiresAt }, secret: NEW_SECRET }));
    const { user, router } = renderPanel();

    await user.click(screen.getByRole("button", { name: "Rotate secret" }));
    const dialog = screen.getByRole("dialog", { name: "Rotate the signing secret?" });
    expect(within(dialog).getByText(/For the next 24 hours, every request is signed with both the new and the old secret/)).toBeTruthy();
    expect(received).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Rotate secret" }));

    expect(await screen.findByText(NEW_SECRET)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Copy new signing secret" })).toBeTruthy();
    expect(screen.getByText(/The previous secret keeps signing until/)).toBeTruthy();
    expect(screen.getByTitle(previousSecretExpiresAt.toISOString())).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toEqual([{ method: "POST", path: `/api/webhooks/endpoints/${endpoint.id}/rotate-secret`, body: {}, organizationId: makeOrganization().id }]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("rotates a leaked secret with no grace period", async () => {
    server.use(api.rotateSecret({ endpoint, secret: NEW_SECRET }));
    const { user } = renderPanel();

    await user.click(screen.getByRole("button", { name: "Rotate now (leaked secret)" }));
    await user.click(within(screen.getByRole("dialog", { name: "Rotate now, with no grace period?" })).getByRole("button", { name: "Rotate now" }));

    expect(await screen.findByText("The previous secret no longer signs requests.")).toBeTruthy();
    expect(received.map((request) => request.body)).toEqual([{ graceSeconds: 0 }]);
  });

  it("cancelling the confirmation sends nothing", async () => {
    const { user } = renderPanel();
    await user.click(screen.getByRole("button", { name: "Rotate secret" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toHaveLength(0);
  });

  it("tells a member that only owners and admins may see the secret (403)", async () => {
    server.use(api.revealSecret(forbidden()));
    const { user } = renderPanel({ organization: makeOrganization({ role: "member", canManage: false }) });

    await user.click(screen.getByRole("button", { name: "Reveal" }));

    expect((await screen.findByRole("alert")).textContent).toBe("Only owners and admins can do this");
    expect(screen.getByText("Signing secret hidden")).toBeTruthy();
  });

  it("keeps the confirmation open with the server's answer when the endpoint is gone (404)", async () => {
    server.use(api.rotateSecret(notFound("endpoint_not_found", `Endpoint ${endpoint.id} not found`)));
    const { user } = renderPanel();

    await user.click(screen.getByRole("button", { name: "Rotate secret" }));
    const dialog = screen.getByRole("dialog", { name: "Rotate the signing secret?" });
    await user.click(within(dialog).getByRole("button", { name: "Rotate secret" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe(`Endpoint ${endpoint.id} not found`);
    expect(screen.getByRole("dialog")).toBe(dialog);
    expect(screen.queryByText(NEW_SECRET)).toBeNull();
  });
});
