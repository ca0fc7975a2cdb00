import * as auditLog from "@/app/api/audit-log/route";
import * as apiKeys from "@/app/api/api-keys/route";
import * as apiKey from "@/app/api/api-keys/[id]/route";
import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as endpoint from "@/app/api/webhooks/endpoints/[id]/route";
import * as reveal from "@/app/api/webhooks/endpoints/[id]/secret/route";
import * as rotate from "@/app/api/webhooks/endpoints/[id]/rotate-secret/route";
import * as recover from "@/app/api/webhooks/endpoints/[id]/recover/route";
import * as redeliverRoute from "@/app/api/webhooks/deliveries/[id]/redeliver/route";
import * as ingest from "@/app/api/v1/events/route";
import { getAuth } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { processDueDeliveries } from "@/lib/webhooks";
import { runRetentionIfDue } from "@/lib/webhooks/maintenance";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery } from "../helpers/fixtures";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";

setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

// As npm start's server stamps it from the socket (and TRUSTED_PROXIES); a client's X-Forwarded-For is not believed.
const FROM = { "x-webhooks-client-ip": "203.0.113.7", "x-forwarded-for": "198.51.100.66", "user-agent": "audit-test/1.0" };

let receiver: Receiver;
let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let org: string;

beforeAll(async () => {
  receiver = await startReceiver(respondWith(200, {}, "ok"));
  owner = await signUp("owner@audit.example");
  org = await createOrganization(owner, "Audited");
  admin = await signUp("admin@audit.example");
  await joinOrganization(admin, org, "admin");
  member = await signUp("member@audit.example");
  await joinOrganization(member, org, "member");
});
beforeEach(() => prisma.auditLogEntry.deleteMany());
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

const entries = () => prisma.auditLogEntry.findMany({ where: { organizationId: org }, orderBy: { id: "asc" } });

/** Calls better-auth's own HTTP handler, as the browser does. */
async function authCall(user: TestUser, path: string, body: unknown) {
  const response = await getAuth().handler(
    new Request(`http://localhost:3000/api/auth${path}`, {
      method: "POST",
      headers: { cookie: user.cookie, "content-type": "application/json", origin: "http://localhost:3000", ...FROM },
      body: JSON.stringify(body),
    }),
  );
  expect(response.status).toBe(200);
  return response.json();
}

describe("what the audit log records", () => {
  it("records a secret reveal with who, from where and no secret", async () => {
    const created = await call(endpoints.POST, { user: admin, org, body: { url: `${receiver.url}/hooks/tok_very_secret?key=abc` }, headers: FROM });
    expect(created.status).toBe(201);
    const revealed = await call(reveal.GET, { user: admin, org, params: { id: created.body.endpoint.id }, headers: FROM });
    expect(revealed.status).toBe(200);
    const rows = await entries();
    expect(rows.map((row) => row.action)).toEqual(["endpoint.created", "endpoint.secret_revealed"]);
    expect(rows[1]).toMatchObject({
      actorType: "user",
      actorUserId: admin.userId,
      actorEmail: "admin@audit.example",
      targetType: "endpoint",
      targetId: created.body.endpoint.id,
      ipAddress: "203.0.113.7",
      userAgent: "audit-test/1.0",
    });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(revealed.body.secret);
    expect(stored).not.toContain(created.body.secret);
    expect(stored).not.toContain("tok_very_secret");
    expect(stored).not.toContain("key=abc");
    expect(rows[0]!.details).toMatchObject({ host: new URL(receiver.url).host });
  });

  it("records endpoint changes, rotation, recovery, redelivery and API keys", async () => {
    const created = await call(endpoints.POST, { user: owner, org, body: { url: receiver.url } });
    const id = created.body.endpoint.id as string;
    expect((await call(endpoint.PATCH, { method: "PATCH", user: owner, org, params: { id }, body: { description: "new" } })).status).toBe(200);
    expect((await call(endpoint.PATCH, { method: "PATCH", user: owner, org, params: { id }, body: { status: "disabled" } })).status).toBe(200);
    expect((await call(endpoint.PATCH, { method: "PATCH", user: owner, org, params: { id }, body: { status: "active" } })).status).toBe(200);
    expect((await call(rotate.POST, { user: owner, org, params: { id }, body: {} })).status).toBe(200);
    const key = await call(apiKeys.POST, { user: owner, org, body: { name: "backend" } });
    expect(key.status).toBe(201);
    const sent = await call(ingest.POST, { headers: { authorization: `Bearer ${key.body.key}` }, body: { event: "invoice.settled", idempotencyKey: "a-1", data: {} } });
    expect(sent.status).toBe(202);
    await processDueDeliveries();
    const deliveryId = (await prisma.webhookDelivery.findFirstOrThrow({ where: { organizationId: org } })).id;
    expect((await call(redeliverRoute.POST, { user: owner, org, params: { id: deliveryId } })).status).toBe(200);
    expect((await call(recover.POST, { user: owner, org, params: { id }, body: { since: "2020-01-01T00:00:00Z" } })).status).toBe(200);
    expect((await call(apiKey.DELETE, { method: "DELETE", user: owner, org, params: { id: key.body.apiKey.id } })).status).toBe(200);
    expect((await call(endpoint.DELETE, { method: "DELETE", user: owner, org, params: { id } })).status).toBe(204);
    const rows = await entries();
    expect(rows.map((row) => row.action)).toEqual([
      "endpoint.created",
      "endpoint.updated",
      "endpoint.disabled",
      "endpoint.enabled",
      "endpoint.secret_rotated",
      "api_key.created",
      "delivery.redelivered",
      "endpoint.deliveries_recovered",
      "api_key.revoked",
      "endpoint.deleted",
    ]);
    expect(rows[1]!.details).toMatchObject({ changed: ["description"] });
    expect(JSON.stringify(rows)).not.toContain(key.body.key);
    expect(rows.every((row) => row.actorUserId === owner.userId)).toBe(true);
  });

  it("records nothing for a refused action", async () => {
    expect((await call(reveal.GET, { user: member, org, params: { id: newId("ep") } })).status).toBe(403);
    expect((await call(reveal.GET, { user: owner, org, params: { id: newId("ep") } })).status).toBe(404);
    expect(await entries()).toEqual([]);
  });

  it("records invitations, role changes, removals and settings made through the organization plugin", async () => {
    const invited = await authCall(owner, "/organization/invite-member", { email: "new@audit.example", role: "member", organizationId: org });
    const joiner = await signUp("joiner@audit.example");
    await joinOrganization(joiner, org, "member");
    const joined = await prisma.member.findFirstOrThrow({ where: { organizationId: org, userId: joiner.userId } });
    await authCall(owner, "/organization/update-member-role", { memberId: joined.id, role: "admin", organizationId: org });
    await authCall(owner, "/organization/remove-member", { memberIdOrEmail: joined.id, organizationId: org });
    await authCall(owner, "/organization/update", { organizationId: org, data: { name: "Audited Inc" } });
    const rows = await entries();
    expect(rows.map((row) => row.action)).toEqual(["member.invited", "member.role_changed", "member.removed", "organization.updated"]);
    expect(rows[0]).toMatchObject({ actorUserId: owner.userId, targetType: "invitation", targetId: invited.id, ipAddress: "203.0.113.7", userAgent: "audit-test/1.0" });
    expect(rows[0]!.details).toMatchObject({ email: "new@audit.example", role: "member" });
    expect(rows[1]!.details).toMatchObject({ userId: joiner.userId, role: "admin", previousRole: "member" });
    expect(rows[2]).toMatchObject({ targetType: "member", targetId: joined.id });
    expect(rows[3]!.details).toMatchObject({ changed: ["name"] });
  });
});

describe("GET /api/audit-log", () => {
  async function seed(count: number, actor: TestUser, action: "api_key.created" | "endpoint.secret_revealed") {
    for (let index = 0; index < count; index++) {
      await prisma.auditLogEntry.create({ data: { id: newId("aud"), organizationId: org, actorType: "user", actorUserId: actor.userId, actorEmail: actor.email, action } });
    }
  }

  it("is for owners and admins; members get 403", async () => {
    expect((await call(auditLog.GET, { user: member, org })).status).toBe(403);
    expect((await call(auditLog.GET, { user: admin, org })).status).toBe(200);
  });

  it("filters by actor and action and pages with a cursor, newest first", async () => {
    await seed(3, owner, "api_key.created");
    await seed(2, admin, "endpoint.secret_revealed");
    const byAdmin = await call(auditLog.GET, { user: owner, org, query: { actor: admin.userId } });
    expect(byAdmin.body.items.map((item: { actorUserId: string }) => item.actorUserId)).toEqual([admin.userId, admin.userId]);
    const byAction = await call(auditLog.GET, { user: owner, org, query: { action: "api_key.created" } });
    expect(byAction.body.items).toHaveLength(3);
    const first = await call(auditLog.GET, { user: owner, org, query: { limit: "2" } });
    expect(first.body.items.map((item: { action: string }) => item.action)).toEqual(["endpoint.secret_revealed", "endpoint.secret_revealed"]);
    const second = await call(auditLog.GET, { user: owner, org, query: { limit: "2", cursor: first.body.nextCursor } });
    const third = await call(auditLog.GET, { user: owner, org, query: { limit: "2", cursor: second.body.nextCursor } });
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((item: { id: string }) => item.id)).toEqual(
      (await entries()).map((row) => row.id).reverse(),
    );
    expect(third.body.nextCursor).toBeNull();
  });

  it("shows only the caller's organization", async () => {
    const other = await signUp("other@audit.example");
    const otherOrg = await createOrganization(other, "Other");
    await prisma.auditLogEntry.create({ data: { id: newId("aud"), organizationId: otherOrg, actorType: "system", action: "api_key.created" } });
    expect((await call(auditLog.GET, { user: owner, org })).body.items).toEqual([]);
  });

  it("offers no way to change or delete entries", () => {
    expect(Object.keys(auditLog).filter((name) => ["POST", "PUT", "PATCH", "DELETE"].includes(name))).toEqual([]);
  });

  it("is kept by retention, however old", async () => {
    await prisma.auditLogEntry.create({ data: { id: newId("aud"), organizationId: org, actorType: "system", action: "api_key.created", createdAt: new Date("2020-01-01T00:00:00Z") } });
    await runRetentionIfDue({ now: () => new Date("2030-01-01T00:00:00Z"), force: true });
    expect(await entries()).toHaveLength(1);
  });
});
