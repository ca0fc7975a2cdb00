/** @jest-environment ./__tests__/setup/jsdom-environment.ts */
import { screen, within } from "@testing-library/react";
import { HttpResponse } from "msw";
import { useEffect, useState } from "react";
import { FlashNotice } from "@/app/_components/flash-notice";
import type { MemberActionsProps } from "@/app/orgs/[slug]/settings/members/member-actions";
import { authError, authRateLimited, ORGANIZATION_ERROR_CODES } from "./msw/errors";
import { makeMember, makeOrganization } from "./msw/fixtures";
import { api } from "./msw/handlers";
import { received, setupApiServer } from "./msw/server";
import { renderInOrganization } from "./render";

const server = setupApiServer();

// better-auth's client (lib/auth/client.ts) keeps the `fetch` it finds when it is created, so
// the component is loaded only once msw is listening (setupApiServer's beforeAll runs first).
let MemberActions: typeof import("@/app/orgs/[slug]/settings/members/member-actions").MemberActions;
beforeAll(async () => {
  ({ MemberActions } = await import("@/app/orgs/[slug]/settings/members/member-actions"));
});

const MEMBERS_PATH = "/orgs/acme/settings/members";
beforeEach(() => window.history.pushState({}, "", MEMBERS_PATH));
afterEach(() => window.sessionStorage.clear());

const UNREACHABLE = "Could not reach the server. Check your connection and try again.";
const SOLE_OWNER_REASON = "You are the only owner. Make another member an owner first.";
const member = makeMember({ id: "mem_ada", userId: "user_ada", role: "member" });
const organizationId = makeOrganization().id;

function props(overrides: Partial<MemberActionsProps> = {}): MemberActionsProps {
  return { memberId: member.id, displayName: "Ada Lovelace", organizationName: "Acme", role: "member", isSelf: false, viewerIsOwner: true, ...overrides };
}

/** Sets the role the row shows, as the page does when `router.refresh()` brings the server's data. */
let showRole: (role: string) => void = () => {};

/** One member's row as the members page renders it: the role comes from the page's data. */
function MemberRow(rowProps: MemberActionsProps) {
  const [role, setRole] = useState(rowProps.role);
  useEffect(() => {
    showRole = setRole;
  }, []);
  return <MemberActions {...rowProps} role={role} />;
}

/** The row's actions with the page's notice area, as the members page shows them. */
function renderActions(overrides: Partial<MemberActionsProps> = {}) {
  return renderInOrganization(
    <>
      <FlashNotice />
      <MemberRow {...props(overrides)} />
    </>,
    { pathname: MEMBERS_PATH },
  );
}

const roleSelect = (name = "Ada Lovelace") => screen.getByRole("combobox", { name: `Access level for ${name}` });
const saveButton = () => screen.getByRole("button", { name: "Save access level for Ada Lovelace" });

async function chooseAndSave(rendered: ReturnType<typeof renderActions>, role: string) {
  await rendered.user.selectOptions(roleSelect(), role);
  await rendered.user.click(saveButton());
}

describe("changing a member's role", () => {
  it("sends the chosen role for this member in the page's organization, then shows the page's new data", async () => {
    server.use(api.updateMemberRole({ ...member, role: "admin" }));
    const rendered = renderActions();
    rendered.router.refresh.mockImplementation(() => showRole("admin"));

    expect(screen.queryByRole("button", { name: /Save/ })).toBeNull();
    await chooseAndSave(rendered, "admin");

    expect(received).toEqual([
      { method: "POST", path: "/api/auth/organization/update-member-role", body: { memberId: member.id, role: "admin", organizationId }, organizationId: null },
    ]);
    expect(rendered.router.refresh).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(roleSelect()).toHaveProperty("value", "admin");
    expect(screen.queryByRole("button", { name: /Save/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "Undo" })).toBeNull();
  });

  it("offers the owner role only to owners", () => {
    renderActions({ viewerIsOwner: false });
    const options = within(roleSelect()).getAllByRole("option").map((option) => option.textContent);
    expect(options).toEqual(["admin", "member"]);
  });

  it("puts the role back without a request on Undo", async () => {
    const rendered = renderActions();
    await rendered.user.selectOptions(roleSelect(), "owner");
    await rendered.user.click(screen.getByRole("button", { name: "Undo" }));
    expect(roleSelect()).toHaveProperty("value", "member");
    expect(screen.queryByRole("button", { name: /Save/ })).toBeNull();
    expect(received).toHaveLength(0);
  });

  it("shows the server's refusal (403) and keeps the choice to try again", async () => {
    server.use(api.updateMemberRole(authError(403, ORGANIZATION_ERROR_CODES.YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER)));
    const rendered = renderActions();

    await chooseAndSave(rendered, "admin");

    expect((await screen.findByRole("alert")).textContent).toBe(ORGANIZATION_ERROR_CODES.YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER.message);
    expect(roleSelect()).toHaveProperty("value", "admin");
    expect(saveButton()).toHaveProperty("disabled", false);
    expect(rendered.router.refresh).not.toHaveBeenCalled();
  });

  it("shows the server's message when the change would leave no owner (400)", async () => {
    server.use(api.updateMemberRole(authError(400, ORGANIZATION_ERROR_CODES.YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER)));
    const rendered = renderActions({ role: "owner", isSelf: true });

    await chooseAndSave(rendered, "admin");

    expect((await screen.findByRole("alert")).textContent).toBe(ORGANIZATION_ERROR_CODES.YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER.message);
    expect(rendered.router.refresh).not.toHaveBeenCalled();
  });

  it("shows the rate limit's message (429)", async () => {
    server.use(api.updateMemberRole(authRateLimited(8)));
    const rendered = renderActions();

    await chooseAndSave(rendered, "admin");

    expect((await screen.findByRole("alert")).textContent).toBe("Too many requests. Please try again later.");
    expect(saveButton()).toHaveProperty("disabled", false);
  });

  it("clears the error when the user picks another role", async () => {
    server.use(api.updateMemberRole(authRateLimited(8)));
    const rendered = renderActions();

    await chooseAndSave(rendered, "admin");
    await screen.findByRole("alert");
    await rendered.user.selectOptions(roleSelect(), "owner");

    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says so when the server cannot be reached, and lets the user try again", async () => {
    server.use(api.updateMemberRole(HttpResponse.error()));
    const rendered = renderActions();

    await chooseAndSave(rendered, "admin");

    expect((await screen.findByRole("alert")).textContent).toBe(UNREACHABLE);
    expect(saveButton()).toHaveProperty("disabled", false);
    expect(saveButton().getAttribute("aria-busy")).toBeNull();
    expect(roleSelect()).toHaveProperty("disabled", false);
  });
});

describe("removing a member", () => {
  it("sends nothing when the user cancels the confirmation", async () => {
    const { user } = renderActions();

    await user.click(screen.getByRole("button", { name: "Remove Ada Lovelace" }));
    const dialog = screen.getByRole("dialog", { name: "Remove Ada Lovelace?" });
    expect(within(dialog).getByText("Ada Lovelace will lose access to Acme right away. You can invite them again later.")).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));

    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toHaveLength(0);
  });

  it("removes the member once confirmed and says so on the page", async () => {
    server.use(api.removeMember({ member }));
    const { user, router } = renderActions();

    await user.click(screen.getByRole("button", { name: "Remove Ada Lovelace" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Remove member" }));

    expect((await screen.findByRole("status")).textContent).toContain("Ada Lovelace was removed from Acme.");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toEqual([
      { method: "POST", path: "/api/auth/organization/remove-member", body: { memberIdOrEmail: member.id, organizationId }, organizationId: null },
    ]);
    expect(router.refresh).toHaveBeenCalledTimes(1);
    expect(router.push).not.toHaveBeenCalled();
  });

  it("keeps the dialog open with the server's refusal (401 from remove-member)", async () => {
    server.use(api.removeMember(authError(401, ORGANIZATION_ERROR_CODES.YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER)));
    const { user, router } = renderActions({ viewerIsOwner: false });

    await user.click(screen.getByRole("button", { name: "Remove Ada Lovelace" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Remove member" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe(ORGANIZATION_ERROR_CODES.YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER.message);
    expect(within(dialog).getByRole("button", { name: "Remove member" })).toHaveProperty("disabled", false);
    expect(screen.getByRole("status").textContent).toBe("");
    expect(router.refresh).not.toHaveBeenCalled();
  });

  it("says so in the dialog when the server cannot be reached, and lets the user try again", async () => {
    server.use(api.removeMember(HttpResponse.error()));
    const { user } = renderActions();

    await user.click(screen.getByRole("button", { name: "Remove Ada Lovelace" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Remove member" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe(UNREACHABLE);
    expect(within(dialog).getByRole("button", { name: "Remove member" })).toHaveProperty("disabled", false);
  });
});

describe("leaving the organization", () => {
  it("lets an owner leave when there is another owner, and sends them home", async () => {
    server.use(api.removeMember({ member: { ...member, role: "owner" } }));
    const { user, router } = renderActions({ role: "owner", isSelf: true, soleOwner: false });

    expect(roleSelect()).toHaveProperty("disabled", false);
    expect(screen.queryByText(SOLE_OWNER_REASON)).toBeNull();
    await user.click(screen.getByRole("button", { name: "Leave Acme" }));
    const dialog = screen.getByRole("dialog", { name: "Leave Acme?" });
    await user.click(within(dialog).getByRole("button", { name: "Leave organization" }));

    expect(await screen.findByRole("button", { name: "Leave Acme" })).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toEqual([
      { method: "POST", path: "/api/auth/organization/remove-member", body: { memberIdOrEmail: member.id, organizationId }, organizationId: null },
    ]);
    expect(router.push).toHaveBeenCalledWith("/");
    expect(router.refresh).toHaveBeenCalledTimes(1);
  });

  it("shows the server's refusal when the other owner left meanwhile (400)", async () => {
    server.use(api.removeMember(authError(400, ORGANIZATION_ERROR_CODES.YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER)));
    const { user, router } = renderActions({ role: "owner", isSelf: true, soleOwner: false });

    await user.click(screen.getByRole("button", { name: "Leave Acme" }));
    const dialog = screen.getByRole("dialog", { name: "Leave Acme?" });
    await user.click(within(dialog).getByRole("button", { name: "Leave organization" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe(ORGANIZATION_ERROR_CODES.YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER.message);
    expect(router.push).not.toHaveBeenCalled();
  });

  it("does not let the only owner leave or change their role, and says why", async () => {
    const { user } = renderActions({ role: "owner", isSelf: true, soleOwner: true });

    expect(screen.getByText(SOLE_OWNER_REASON)).toBeTruthy();
    const select = screen.getByRole("combobox", { name: "Access level for Ada Lovelace", description: SOLE_OWNER_REASON });
    expect(select).toHaveProperty("disabled", true);
    const leave = screen.getByRole("button", { name: "Leave Acme" });
    expect(leave).toHaveProperty("disabled", true);

    await user.click(leave);

    expect(screen.queryByRole("dialog")).toBeNull();
    expect(received).toHaveLength(0);
  });
});
