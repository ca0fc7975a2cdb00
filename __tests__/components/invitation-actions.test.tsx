/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, within } from "@testing-library/react";
import { HttpResponse } from "msw";
import { FlashNotice } from "@/app/_components/flash-notice";
import { authError, authRateLimited, ORGANIZATION_ERROR_CODES } from "./msw/errors";
import { makeInvitation } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

// better-auth's client (lib/auth/client.ts) keeps the `fetch` it finds when it is created, so
// the component is loaded only once msw is listening (setupApiServer's beforeAll runs first).
let InvitationActions: typeof import("@/app/orgs/[slug]/settings/members/invitation-actions").InvitationActions;
beforeAll(async () => {
  ({ InvitationActions } = await import("@/app/orgs/[slug]/settings/members/invitation-actions"));
});

const MEMBERS_PATH = "/orgs/acme/settings/members";
beforeEach(() => window.history.pushState({}, "", MEMBERS_PATH));
afterEach(() => window.sessionStorage.clear());

const invitation = makeInvitation({ id: "inv_7Hq2", email: "teammate@example.com" });

/** The invitation's actions with the page's notice area, as the members page shows them. */
function renderActions({ expired = false } = {}) {
  return renderInOrganization(
    <>
      <FlashNotice />
      <InvitationActions invitationId={invitation.id} email={invitation.email} expired={expired} />
    </>,
    { pathname: MEMBERS_PATH },
  );
}

/** Opens the confirmation of the invitation's Cancel (or Remove) button and returns the dialog. */
async function openConfirmation(rendered: ReturnType<typeof renderActions>, action: "Cancel" | "Remove" = "Cancel") {
  await rendered.user.click(screen.getByRole("button", { name: `${action} invitation for teammate@example.com` }));
  return screen.getByRole("dialog");
}

describe("a pending invitation", () => {
  it("copies the invitation link", async () => {
    const { user } = renderActions();

    await user.click(screen.getByRole("button", { name: "Copy link to the invitation for teammate@example.com" }));

    expect(await navigator.clipboard.readText()).toBe(`${window.location.origin}/accept-invitation/inv_7Hq2`);
    expect(received).toHaveLength(0);
  });

  it("sends nothing when the user keeps the invitation", async () => {
    const rendered = renderActions();

    const dialog = await openConfirmation(rendered);
    expect(within(dialog).getByRole("heading", { name: "Cancel invitation?" })).toBeTruthy();
    expect(within(dialog).getByText("The link sent to teammate@example.com will stop working.")).toBeTruthy();
    await rendered.user.click(within(dialog).getByRole("button", { name: "Keep it" }));

    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toHaveLength(0);
  });

  it("cancels the invitation once confirmed and says so on the page", async () => {
    server.use(api.cancelInvitation({ ...invitation, status: "canceled" }));
    const rendered = renderActions();

    const dialog = await openConfirmation(rendered);
    await rendered.user.click(within(dialog).getByRole("button", { name: "Cancel invitation" }));

    expect(await screen.findByText("Invitation for teammate@example.com cancelled.")).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toEqual([{ method: "POST", path: "/api/auth/organization/cancel-invitation", body: { invitationId: "inv_7Hq2" }, organizationId: null }]);
    expect(rendered.router.refresh).toHaveBeenCalledTimes(1);
  });

  it("keeps the dialog open with the server's refusal (403)", async () => {
    server.use(api.cancelInvitation(authError(403, ORGANIZATION_ERROR_CODES.YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION)));
    const rendered = renderActions();

    const dialog = await openConfirmation(rendered);
    await rendered.user.click(within(dialog).getByRole("button", { name: "Cancel invitation" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe(ORGANIZATION_ERROR_CODES.YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION.message);
    expect(within(dialog).getByRole("button", { name: "Cancel invitation" })).toHaveProperty("disabled", false);
    expect(screen.queryByText(/cancelled/)).toBeNull();
    expect(rendered.router.refresh).not.toHaveBeenCalled();
  });

  it("shows the server's message when the invitation is already gone (400)", async () => {
    server.use(api.cancelInvitation(authError(400, ORGANIZATION_ERROR_CODES.INVITATION_NOT_FOUND)));
    const rendered = renderActions();

    const dialog = await openConfirmation(rendered);
    await rendered.user.click(within(dialog).getByRole("button", { name: "Cancel invitation" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe(ORGANIZATION_ERROR_CODES.INVITATION_NOT_FOUND.message);
  });

  it("shows the rate limit's message (429)", async () => {
    server.use(api.cancelInvitation(authRateLimited(8)));
    const rendered = renderActions();

    const dialog = await openConfirmation(rendered);
    await rendered.user.click(within(dialog).getByRole("button", { name: "Cancel invitation" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe("Too many requests. Please try again later.");
  });

  it("says so in the dialog when the server cannot be reached, and lets the user try again", async () => {
    server.use(api.cancelInvitation(HttpResponse.error()));
    const rendered = renderActions();

    const dialog = await openConfirmation(rendered);
    await rendered.user.click(within(dialog).getByRole("button", { name: "Cancel invitation" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe("Could not reach the server. Check your connection and try again.");
    expect(within(dialog).getByRole("button", { name: "Cancel invitation" })).toHaveProperty("disabled", false);
    expect(rendered.router.refresh).not.toHaveBeenCalled();
  });
});

describe("an expired invitation", () => {
  it("offers no link to copy, and removes the invitation once confirmed", async () => {
    server.use(api.cancelInvitation({ ...invitation, status: "canceled" }));
    const rendered = renderActions({ expired: true });

    expect(screen.queryByRole("button", { name: /Copy link to the invitation/ })).toBeNull();
    const dialog = await openConfirmation(rendered, "Remove");
    expect(within(dialog).getByRole("heading", { name: "Remove expired invitation?" })).toBeTruthy();
    await rendered.user.click(within(dialog).getByRole("button", { name: "Remove invitation" }));

    expect(await screen.findByText("Expired invitation for teammate@example.com removed.")).toBeTruthy();
    expect(received).toEqual([{ method: "POST", path: "/api/auth/organization/cancel-invitation", body: { invitationId: "inv_7Hq2" }, organizationId: null }]);
  });
});
