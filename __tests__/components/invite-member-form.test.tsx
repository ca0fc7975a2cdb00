/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen } from "@testing-library/react";
import { HttpResponse } from "msw";
import { authError, authRateLimited, ORGANIZATION_ERROR_CODES } from "./msw/errors";
import { makeInvitation, makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

// better-auth's client (lib/auth/client.ts) keeps the `fetch` it finds when it is created, so
// the form is loaded only once msw is listening (setupApiServer's beforeAll runs first).
let InviteMemberForm: typeof import("@/app/orgs/[slug]/settings/members/invite-member-form").InviteMemberForm;
beforeAll(async () => {
  ({ InviteMemberForm } = await import("@/app/orgs/[slug]/settings/members/invite-member-form"));
});

const emailField = () => screen.getByRole("textbox", { name: "Email" });

async function invite(email: string) {
  const rendered = renderInOrganization(<InviteMemberForm />);
  await rendered.user.type(emailField(), email);
  await rendered.user.click(screen.getByRole("button", { name: "Invite" }));
  return rendered;
}

describe("invite member form", () => {
  it("invites the address and role the user chose and shows the invitation link to copy", async () => {
    const invitation = makeInvitation({ id: "inv_7Hq2", email: "teammate@example.com", role: "admin" });
    server.use(api.inviteMember(invitation));
    const rendered = renderInOrganization(<InviteMemberForm />);
    const { user, router } = rendered;

    await user.type(emailField(), "  Teammate@Example.com ");
    await user.selectOptions(screen.getByRole("combobox", { name: "Role" }), "Admin");
    await user.click(screen.getByRole("button", { name: "Invite" }));

    expect(await screen.findByText("Invitation created for teammate@example.com")).toBeTruthy();
    expect(screen.getByText(`${window.location.origin}/accept-invitation/inv_7Hq2`)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Copy link to the invitation" })).toBeTruthy();
    expect(received).toMatchObject([
      { method: "POST", path: "/api/auth/organization/invite-member", body: { email: "teammate@example.com", role: "admin", organizationId: makeOrganization().id } },
    ]);
    expect(emailField()).toHaveProperty("value", "");
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("shows the server's refusal of an address the browser let through (400 invalid email)", async () => {
    server.use(api.inviteMember(authError(400, { code: "INVALID_EMAIL", message: "Invalid email" })));

    await invite("first..last@example.com");

    expect((await screen.findByRole("alert")).textContent).toBe("Invalid email");
    expect(screen.queryByText(/Invitation created/)).toBeNull();
  });

  it("says at the email field when the person is already a member", async () => {
    server.use(api.inviteMember(authError(400, ORGANIZATION_ERROR_CODES.USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION)));

    await invite("owner@example.com");

    expect(await screen.findByRole("textbox", { name: "Email", description: "This person is already a member." })).toBe(document.activeElement);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says at the email field when the address already has a pending invitation", async () => {
    server.use(api.inviteMember(authError(400, ORGANIZATION_ERROR_CODES.USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION)));

    await invite("teammate@example.com");

    expect(await screen.findByRole("textbox", { name: "Email", description: /already has a pending invitation/ })).toBeTruthy();
  });

  it("shows the rate limit's message when there were too many requests (429)", async () => {
    server.use(api.inviteMember(authRateLimited(8)));

    await invite("teammate@example.com");

    expect((await screen.findByRole("alert")).textContent).toBe("Too many requests. Please try again later.");
    expect(emailField()).toHaveProperty("value", "teammate@example.com");
  });

  it("says so when the server cannot be reached, and lets the user try again", async () => {
    server.use(api.inviteMember(HttpResponse.error()));

    await invite("teammate@example.com");

    expect((await screen.findByRole("alert")).textContent).toBe("Could not reach the server. Check your connection and try again.");
    expect(screen.getByRole("button", { name: "Invite" })).toHaveProperty("disabled", false);
  });

  it("checks the address in the browser first", async () => {
    await invite("not-an-address");
    expect(screen.getByRole("textbox", { name: "Email", description: "Enter an email address like name@company.com." })).toBe(document.activeElement);
    expect(received).toHaveLength(0);
  });
});
