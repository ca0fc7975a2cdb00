import * as organization from "@/app/api/organization/route";
import * as apiKeys from "@/app/api/api-keys/route";
import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as ingest from "@/app/api/v1/events/route";
import { findMembership, homeOrganization } from "@/lib/auth/membership";
import { getAuth } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { sendWebhookNotification } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery } from "../helpers/fixtures";

setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let org: string;
let slug: string;
let key: string;

beforeAll(async () => {
  owner = await signUp("owner@doomed.example");
  org = await createOrganization(owner, "Doomed");
  slug = (await prisma.organization.findUniqueOrThrow({ where: { id: org } })).slug;
  admin = await signUp("admin@doomed.example");
  await joinOrganization(admin, org, "admin");
  member = await signUp("member@doomed.example");
  await joinOrganization(member, org, "member");
  const created = await call(endpoints.POST, { user: owner, org, body: { url: "http://127.0.0.1:9/hook" } });
  expect(created.status).toBe(201);
  const apiKey = await call(apiKeys.POST, { user: owner, org, body: { name: "backend" } });
  key = apiKey.body.key;
  await sendWebhookNotification(org, "invoice.settled", "before-deletion", {});
});
afterAll(() => closeTransport());

/** Calls better-auth's own HTTP handler (the organization plugin), as the browser does. */
async function authCall(user: TestUser, path: string, body?: unknown) {
  const response = await getAuth().handler(
    new Request(`http://localhost:3000/api/auth${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { cookie: user.cookie, "content-type": "application/json", origin: "http://localhost:3000" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return { status: response.status, body: await response.json().catch(() => null) };
}

const remove = (user: TestUser, confirm: string) => call(organization.DELETE, { method: "DELETE", user, org, body: { confirm } });

describe("DELETE /api/organization", () => {
  it("is the only way: better-auth's immediate deletion is switched off", async () => {
    const response = await authCall(owner, "/organization/delete", { organizationId: org });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await prisma.organization.count({ where: { id: org } })).toBe(1);
  });

  it("is refused to admins and members (403), and nothing changes", async () => {
    expect((await remove(admin, slug)).status).toBe(403);
    expect((await remove(member, slug)).status).toBe(403);
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org } })).deletionScheduledAt).toBeNull();
  });

  it("refuses a confirmation that is not the slug (422), and nothing changes", async () => {
    const response = await remove(owner, `${slug}-nope`);
    expect(response.status).toBe(422);
    expect((await remove(owner, slug.toUpperCase())).status).toBe(422);
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org } })).deletionScheduledAt).toBeNull();
    expect(await prisma.webhookDelivery.count({ where: { organizationId: org, status: "pending" } })).toBe(1);
  });

  it("lets the owner delete it: members, API keys and producers lose it at once, and the request is audited", async () => {
    const response = await call(organization.DELETE, { method: "DELETE", user: owner, org, body: { confirm: slug }, headers: { "x-webhooks-client-ip": "198.51.100.4" } });
    expect(response.status).toBe(200);
    expect(new Date(response.body.eraseAfter).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    // Members: the API and the pages (the org layout's lookup) treat it as not found.
    for (const user of [owner, admin, member]) {
      const listed = await call(endpoints.GET, { user, org });
      expect(listed.status).toBe(404);
      expect(listed.body.error).toBe("organization_not_found");
      expect(await findMembership(user.userId, { slug })).toBeNull();
      expect(await findMembership(user.userId, { id: org })).toBeNull();
      expect(await homeOrganization(user.userId)).toBeNull();
    }
    // API keys stop working.
    const sent = await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event: "invoice.settled", idempotencyKey: "after", data: {} } });
    expect(sent.status).toBe(401);
    // Backend code gets organization_not_found, even for a key it used before.
    await expect(sendWebhookNotification(org, "invoice.settled", "after-deletion", {})).rejects.toMatchObject({ code: "organization_not_found" });
    await expect(sendWebhookNotification(org, "invoice.settled", "before-deletion", {})).rejects.toMatchObject({ code: "organization_not_found" });
    // Pending deliveries are cancelled.
    const deliveries = await prisma.webhookDelivery.findMany({ where: { organizationId: org } });
    expect(deliveries.map((delivery) => delivery.status)).toEqual(["cancelled"]);
    // Audited.
    const [entry] = await prisma.auditLogEntry.findMany({ where: { organizationId: org, action: "organization.deletion_requested" } });
    expect(entry).toMatchObject({ actorUserId: owner.userId, actorEmail: "owner@doomed.example", ipAddress: "198.51.100.4", targetId: org });
    // The organization plugin's own endpoints do not know it either.
    expect((await authCall(owner, "/organization/invite-member", { email: "late@doomed.example", role: "member", organizationId: org })).status).toBe(404);
    expect((await authCall(owner, "/organization/set-active", { organizationId: org })).status).toBe(404);
    const listed = await authCall(owner, "/organization/list");
    expect(listed.status).toBe(200);
    expect(listed.body.map((row: { id: string }) => row.id)).not.toContain(org);
    // Asking again: the organization is gone for the owner too.
    expect((await remove(owner, slug)).status).toBe(404);
  });
});
