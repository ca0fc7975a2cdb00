import * as legacySettings from "@/app/settings/[...path]/route";
import { homeOrganization, rememberOrganization } from "@/lib/auth/membership";
import { prisma } from "@/lib/db";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";

setupTestDatabase();
setupAuth();

let owner: TestUser;
let first: { id: string; slug: string };
let second: { id: string; slug: string };

async function organization(id: string) {
  return prisma.organization.findUniqueOrThrow({ where: { id }, select: { id: true, slug: true } });
}

beforeAll(async () => {
  owner = await signUp("owner@urls.example");
  first = await organization(await createOrganization(owner, "First"));
  second = await organization(await createOrganization(owner, "Second"));
});

/** GET /settings/<path> through the old-URL route handler. */
function legacy(path: string, options: { user?: TestUser; query?: Record<string, string> } = {}) {
  return call(legacySettings.GET as never, { ...options, path: `/settings/${path}`, params: { path: path.split("/") } as never });
}

describe("the organization a user works in by default", () => {
  it("is the one opened last, else the first one joined, else none", async () => {
    await prisma.user.update({ where: { id: owner.userId }, data: { lastOrganizationId: null } });
    expect(await homeOrganization(owner.userId)).toMatchObject({ id: first.id, slug: first.slug, role: "owner", canManage: true });
    await rememberOrganization(owner.userId, second.id);
    expect((await homeOrganization(owner.userId))?.id).toBe(second.id);

    const loner = await signUp("loner@urls.example");
    expect(await homeOrganization(loner.userId)).toBeNull();
  });

  it("is not one the user has left", async () => {
    const leaver = await signUp("leaver@urls.example");
    await joinOrganization(leaver, first.id, "member");
    await prisma.member.create({ data: { id: "mem_leaver_second", organizationId: second.id, userId: leaver.userId, role: "member" } });
    await rememberOrganization(leaver.userId, second.id);
    await prisma.member.delete({ where: { id: "mem_leaver_second" } });
    expect(await homeOrganization(leaver.userId)).toMatchObject({ id: first.id, role: "member", canManage: false });
  });
});

describe("old /settings URLs", () => {
  beforeAll(() => rememberOrganization(owner.userId, second.id));

  it.each([
    ["webhooks", {}, "/settings/webhooks"],
    ["webhooks/history", { status: "failed", endpointId: "ep_x" }, "/settings/webhooks/history?status=failed&endpointId=ep_x"],
    ["webhooks/ep_01m8h0ck05fvkay8frqj9ykbkk", {}, "/settings/webhooks/ep_01m8h0ck05fvkay8frqj9ykbkk"],
    ["api-keys", {}, "/settings/api-keys"],
    ["members", {}, "/settings/members"],
  ])("/settings/%s redirects under the organization used last", async (path, query, rest) => {
    const response = await legacy(path, { user: owner, query });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(`/orgs/${second.slug}${rest}`);
  });

  it("sends a visitor who is signed out to sign in, then back to the old URL", async () => {
    const response = await legacy("webhooks/history", { query: { status: "failed" } });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(`/sign-in?next=${encodeURIComponent("/settings/webhooks/history?status=failed")}`);
  });

  it("sends a user without an organization to onboarding", async () => {
    const newcomer = await signUp("newcomer@urls.example");
    expect((await legacy("webhooks", { user: newcomer })).headers.get("location")).toBe("/onboarding");
  });

  it("knows nothing else under /settings", async () => {
    expect((await legacy("billing", { user: owner })).status).toBe(404);
  });
});
