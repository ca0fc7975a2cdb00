import { getAuth } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";

/**
 * An organization always keeps an owner. The members page disables "Leave" and the role
 * change for a sole owner; these are the server's refusals behind it, for a browser that
 * sends the requests anyway.
 */
setupTestDatabase();
setupAuth();

/** Calls better-auth's own HTTP handler, as the browser does; returns the status and the error code, if any. */
async function authCall(user: TestUser, path: string, body: unknown): Promise<{ status: number; code?: string }> {
  const response = await getAuth().handler(
    new Request(`http://localhost:3000/api/auth${path}`, {
      method: "POST",
      headers: { cookie: user.cookie, "content-type": "application/json", origin: "http://localhost:3000" },
      body: JSON.stringify(body),
    }),
  );
  const json = (await response.json().catch(() => null)) as { code?: string } | null;
  return { status: response.status, code: json?.code };
}

const memberId = async (user: TestUser, organizationId: string) => (await prisma.member.findFirstOrThrow({ where: { userId: user.userId, organizationId } })).id;
const roles = async (organizationId: string) =>
  Object.fromEntries((await prisma.member.findMany({ where: { organizationId }, include: { user: true } })).map((member) => [member.user.email, member.role]));

let owner: TestUser;
let admin: TestUser;
let org: string;

beforeAll(async () => {
  owner = await signUp("owner@sole.example");
  org = await createOrganization(owner, "Sole");
  admin = await signUp("admin@sole.example");
  await joinOrganization(admin, org, "admin");
});

describe("the only owner", () => {
  it("cannot remove themselves, leave, or take a lower role", async () => {
    const self = await memberId(owner, org);
    await expect(authCall(owner, "/organization/remove-member", { memberIdOrEmail: self, organizationId: org })).resolves.toEqual({
      status: 400,
      code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER",
    });
    await expect(authCall(owner, "/organization/leave", { organizationId: org })).resolves.toEqual({
      status: 400,
      code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER",
    });
    await expect(authCall(owner, "/organization/update-member-role", { memberId: self, role: "admin", organizationId: org })).resolves.toEqual({
      status: 400,
      code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER",
    });
    await expect(roles(org)).resolves.toEqual({ "owner@sole.example": "owner", "admin@sole.example": "admin" });
  });

  it("cannot be removed or demoted by an admin", async () => {
    const ownerMember = await memberId(owner, org);
    expect((await authCall(admin, "/organization/remove-member", { memberIdOrEmail: ownerMember, organizationId: org })).status).toBeGreaterThanOrEqual(400);
    expect((await authCall(admin, "/organization/update-member-role", { memberId: ownerMember, role: "member", organizationId: org })).status).toBeGreaterThanOrEqual(400);
    await expect(roles(org)).resolves.toEqual({ "owner@sole.example": "owner", "admin@sole.example": "admin" });
  });

  it("can step down once another member is an owner, and then that one is the only owner", async () => {
    const adminMember = await memberId(admin, org);
    expect((await authCall(owner, "/organization/update-member-role", { memberId: adminMember, role: "owner", organizationId: org })).status).toBe(200);
    expect((await authCall(owner, "/organization/update-member-role", { memberId: await memberId(owner, org), role: "admin", organizationId: org })).status).toBe(200);
    await expect(roles(org)).resolves.toEqual({ "owner@sole.example": "admin", "admin@sole.example": "owner" });

    // The new sole owner is held to the same rule; the former owner cannot take the last owner away either.
    await expect(authCall(admin, "/organization/leave", { organizationId: org })).resolves.toMatchObject({ status: 400 });
    expect((await authCall(owner, "/organization/remove-member", { memberIdOrEmail: adminMember, organizationId: org })).status).toBeGreaterThanOrEqual(400);
    expect((await authCall(owner, "/organization/update-member-role", { memberId: adminMember, role: "member", organizationId: org })).status).toBeGreaterThanOrEqual(400);
    await expect(roles(org)).resolves.toEqual({ "owner@sole.example": "admin", "admin@sole.example": "owner" });
  });
});
