import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as endpoint from "@/app/api/webhooks/endpoints/[id]/route";
import * as endpointTest from "@/app/api/webhooks/endpoints/[id]/test/route";
import * as rotate from "@/app/api/webhooks/endpoints/[id]/rotate-secret/route";
import * as reveal from "@/app/api/webhooks/endpoints/[id]/secret/route";
import * as recover from "@/app/api/webhooks/endpoints/[id]/recover/route";
import * as deliveries from "@/app/api/webhooks/deliveries/route";
import * as delivery from "@/app/api/webhooks/deliveries/[id]/route";
import * as redeliverRoute from "@/app/api/webhooks/deliveries/[id]/redeliver/route";
import * as settings from "@/app/api/webhooks/settings/route";
import * as classicTest from "@/app/api/webhooks/test/route";
import * as ingest from "@/app/api/v1/events/route";
import * as apiKeys from "@/app/api/api-keys/route";
import * as apiKey from "@/app/api/api-keys/[id]/route";
import { getAuth } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { processDueDeliveries } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery } from "../helpers/fixtures";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";

setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

let receiver: Receiver;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  receiver = await startReceiver(respondWith(200, {}, "thanks"));
  owner = await signUp("owner@a.example");
  orgA = await createOrganization(owner, "Org A");
  member = await signUp("member@a.example");
  await joinOrganization(member, orgA, "member");
  outsider = await signUp("owner@b.example");
  orgB = await createOrganization(outsider, "Org B");
});
beforeEach(async () => {
  receiver.requests.length = 0;
  await prisma.webhookEndpoint.deleteMany();
  await prisma.webhookEvent.deleteMany();
  await prisma.apiKey.deleteMany();
});
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

async function createEndpointAs(user: TestUser, body: Record<string, unknown> = { url: receiver.url }, org = orgA) {
  const response = await call(endpoints.POST, { user, org, body });
  expect(response.status).toBe(201);
  return response.body as { endpoint: { id: string }; secret: string };
}

async function ingestKey(user = owner, org = orgA): Promise<string> {
  const response = await call(apiKeys.POST, { user, org, body: { name: "backend" } });
  expect(response.status).toBe(201);
  return response.body.key;
}

async function deliverOne(): Promise<string> {
  const key = await ingestKey();
  const sent = await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event: "invoice.settled", idempotencyKey: `k-${Math.random()}`, data: { n: 1 } } });
  expect(sent.status).toBe(202);
  await processDueDeliveries();
  const list = await call(deliveries.GET, { user: owner, org: orgA });
  return list.body.items[0].id;
}

describe("authentication and roles", () => {
  it.each([
    ["GET /endpoints", endpoints.GET, {}],
    ["POST /endpoints", endpoints.POST, { body: { url: "https://example.com" } }],
    ["GET /deliveries", deliveries.GET, {}],
    ["PUT /settings", settings.PUT, { method: "PUT", body: { webhookUrl: "https://example.com" } }],
    ["GET /api-keys", apiKeys.GET, {}],
  ])("%s answers 401 without a session", async (_name, handler, options) => {
    const response = await call(handler as never, { ...options, org: orgA });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: "unauthenticated" });
  });

  it("answers a user without an organization 400 without the header and 404 with one", async () => {
    const loner = await signUp("loner@example.com");
    expect((await call(endpoints.GET, { user: loner })).body).toMatchObject({ error: "organization_required" });
    expect((await call(endpoints.GET, { user: loner, org: orgA })).status).toBe(404);
  });

  it("lets members read but not manage", async () => {
    const { endpoint: created } = await createEndpointAs(owner);
    const id = created.id;
    expect((await call(endpoints.GET, { user: member, org: orgA })).body.endpoints).toHaveLength(1);
    expect((await call(deliveries.GET, { user: member, org: orgA })).status).toBe(200);
    for (const [handler, options] of [
      [endpoints.POST, { body: { url: "https://example.com" } }],
      [endpoint.PATCH, { method: "PATCH", params: { id }, body: { description: "x" } }],
      [endpoint.DELETE, { method: "DELETE", params: { id } }],
      [reveal.GET, { params: { id } }],
      [rotate.POST, { params: { id }, body: {} }],
      [endpointTest.POST, { params: { id }, body: {} }],
      [apiKeys.POST, { body: { name: "mine" } }],
    ] as const) {
      const response = await call(handler as never, { ...options, user: member, org: orgA });
      expect(response.status).toBe(403);
    }
  });
});

describe("the organization comes from the request, not the session", () => {
  let both: TestUser;
  beforeAll(async () => {
    both = await signUp("both@ab.example");
    await joinOrganization(both, orgA, "admin");
    await prisma.member.create({ data: { id: "mem_both_in_org_b", organizationId: orgB, userId: both.userId, role: "admin" } });
    // The session's active organization is B, as if another tab had switched to it last.
    await getAuth().api.setActiveOrganization({ body: { organizationId: orgB }, headers: new Headers({ cookie: both.cookie }) });
  });

  it("creates the endpoint in the organization the request names", async () => {
    const session = await prisma.session.findFirstOrThrow({ where: { userId: both.userId } });
    expect(session.activeOrganizationId).toBe(orgB);
    const { endpoint: created } = await createEndpointAs(both, { url: receiver.url, description: "from tab A" }, orgA);
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ organizationId: orgA });
    expect((await call(endpoints.GET, { user: both, org: orgA })).body.endpoints.map((e: { id: string }) => e.id)).toEqual([created.id]);
    expect((await call(endpoints.GET, { user: both, org: orgB })).body.endpoints).toEqual([]);
    expect((await call(endpoint.GET, { user: both, org: orgB, params: { id: created.id } })).status).toBe(404);
  });

  it("answers 400 organization_required without the header", async () => {
    const response = await call(endpoints.POST, { user: both, body: { url: receiver.url } });
    expect(response).toMatchObject({ status: 400, body: { error: "organization_required", message: expect.stringContaining("X-Organization-Id") } });
    expect((await call(deliveries.GET, { user: both })).status).toBe(400);
    expect(await prisma.webhookEndpoint.count()).toBe(0);
  });

  it("answers 400 for a malformed organization id", async () => {
    const response = await call(endpoints.GET, { user: both, org: "acme" });
    expect(response).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("answers 404 for an organization the user is not a member of, existing or not", async () => {
    const thirdOwner = await signUp("owner@c.example");
    const orgC = await createOrganization(thirdOwner, "Org C");
    for (const org of [orgC, "org_01m8h0ck05fvkay8frqj9ykbkk"]) {
      const response = await call(endpoints.POST, { user: both, org, body: { url: receiver.url } });
      expect(response).toMatchObject({ status: 404, body: { error: "organization_not_found" } });
    }
    expect(await prisma.webhookEndpoint.count()).toBe(0);
  });

  it("answers 403 to a plain member of the named organization on a manager route", async () => {
    const response = await call(endpoints.POST, { user: member, org: orgA, body: { url: receiver.url } });
    expect(response).toMatchObject({ status: 403, body: { error: "forbidden" } });
  });

  it("takes an API key's organization from the key, without the header", async () => {
    await createEndpointAs(both, { url: receiver.url }, orgB);
    const key = await ingestKey(both, orgB);
    const sent = await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event: "invoice.settled", idempotencyKey: "key-org", data: {} } });
    expect(sent).toMatchObject({ status: 202, body: { deliveries: 1 } });
    expect(await prisma.webhookEvent.findFirstOrThrow()).toMatchObject({ organizationId: orgB });
  });
});

describe("another organization", () => {
  it("gets 404 for every id of org A and sees none of its data", async () => {
    const { endpoint: created } = await createEndpointAs(owner);
    const deliveryId = await deliverOne();
    const id = created.id;
    const asOutsider = [
      [endpoint.GET, { params: { id } }],
      [endpoint.PATCH, { method: "PATCH", params: { id }, body: { description: "hijacked" } }],
      [endpoint.DELETE, { method: "DELETE", params: { id } }],
      [reveal.GET, { params: { id } }],
      [rotate.POST, { params: { id }, body: {} }],
      [endpointTest.POST, { params: { id }, body: {} }],
      [recover.POST, { params: { id }, body: { since: "2020-01-01T00:00:00Z" } }],
      [delivery.GET, { params: { id: deliveryId } }],
      [redeliverRoute.POST, { params: { id: deliveryId }, body: {} }],
    ] as const;
    for (const [handler, options] of asOutsider) {
      const response = await call(handler as never, { ...options, user: outsider, org: orgB });
      expect(response.status).toBe(404);
    }
    expect((await call(endpoints.GET, { user: outsider, org: orgB })).body.endpoints).toEqual([]);
    expect((await call(deliveries.GET, { user: outsider, org: orgB })).body.items).toEqual([]);
    expect((await call(apiKeys.GET, { user: outsider, org: orgB })).body.apiKeys).toEqual([]);
    expect((await call(endpoint.GET, { user: owner, org: orgA, params: { id } })).body.endpoint.description).toBe("");
    expect(receiver.requests).toHaveLength(1); // nothing was sent on the outsider's behalf
  });
});

describe("endpoints API", () => {
  it("creates, reads, updates, disables, rotates and deletes", async () => {
    const { endpoint: created, secret } = await createEndpointAs(owner, { url: receiver.url, description: "Billing", eventTypes: ["invoice.settled"] });
    expect(secret).toMatch(/^whsec_/);
    const id = created.id;
    expect((await call(endpoint.GET, { user: owner, org: orgA, params: { id } })).body.endpoint).toMatchObject({ description: "Billing", eventTypes: ["invoice.settled"], status: "active" });
    expect(JSON.stringify((await call(endpoints.GET, { user: owner, org: orgA })).body)).not.toContain(secret);
    expect((await call(reveal.GET, { user: owner, org: orgA, params: { id } })).body.secret).toBe(secret);

    const patched = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { description: "Invoices", status: "disabled" } });
    expect(patched.body.endpoint).toMatchObject({ description: "Invoices", status: "disabled" });

    const rotated = await call(rotate.POST, { user: owner, org: orgA, params: { id }, body: {} });
    expect(rotated.body.secret).not.toBe(secret);
    expect(Date.parse(rotated.body.endpoint.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);

    expect((await call(endpoint.DELETE, { method: "DELETE", user: owner, org: orgA, params: { id } })).status).toBe(204);
    expect((await call(endpoint.GET, { user: owner, org: orgA, params: { id } })).status).toBe(404);
  });

  it.each([
    ["malformed JSON", { rawBody: "{nope" }, 400, "invalid_json"],
    ["a missing url", { body: {} }, 400, "invalid_request"],
    ["a wrong type", { body: { url: 42 } }, 400, "invalid_request"],
    ["a private address", { body: { url: "http://10.1.2.3/hook" } }, 422, "invalid_url"],
    ["an ftp URL", { body: { url: "ftp://example.com/" } }, 422, "invalid_url"],
    ["an unknown event type shape", { body: { url: "https://example.com", eventTypes: ["Nope"] } }, 422, "invalid_event_type"],
    ["an oversized body", { rawBody: JSON.stringify({ url: "https://example.com", description: "x".repeat(70_000) }) }, 413, "payload_too_large"],
  ])("answers %s with a clear error", async (_label, options, status, code) => {
    const saved = process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "false";
    try {
      const response = await call(endpoints.POST, { user: owner, org: orgA, ...options });
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ error: code, message: expect.any(String) });
      if (code === "invalid_request") expect(response.body.issues[0]).toMatchObject({ path: ["body", "url"] });
      expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.ts/);
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = saved;
    }
    expect(await prisma.webhookEndpoint.count()).toBe(0);
  });

  it("answers 400 for a malformed id and 404 for an unknown one", async () => {
    expect((await call(endpoint.GET, { user: owner, org: orgA, params: { id: "nope" } })).status).toBe(400);
    expect((await call(endpoint.GET, { user: owner, org: orgA, params: { id: "ep_01m8h0ck05fvkay8frqj9ykbkk" } })).status).toBe(404);
  });

  it("sends a test event, records it as a test attempt, and rate-limits", async () => {
    const { endpoint: created } = await createEndpointAs(owner);
    const response = await call(endpointTest.POST, { user: owner, org: orgA, params: { id: created.id }, body: {} });
    expect(response.status).toBe(200);
    expect(response.body.result).toMatchObject({ success: true, statusCode: 200, responseSnippet: "thanks", status: "delivered" });
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ event: "webhook.test" });
    expect(await prisma.webhookAttempt.findFirst()).toMatchObject({ trigger: "test", success: true });
    let status = 200;
    for (let i = 0; i < 12 && status !== 429; i++) status = (await call(endpointTest.POST, { user: owner, org: orgA, params: { id: created.id }, body: {} })).status;
    expect(status).toBe(429);
  });
});

describe("delivery controls", () => {
  it("creates an endpoint with ordering, a rate limit and a retry preset, reads them back and changes them", async () => {
    const { endpoint: created } = await createEndpointAs(owner, { url: receiver.url, ordering: "ordered", rateLimitPerSecond: 25, retryPreset: "short" });
    const id = created.id;
    expect((await call(endpoint.GET, { user: owner, org: orgA, params: { id } })).body.endpoint).toMatchObject({ ordering: "ordered", rateLimitPerSecond: 25, retryPreset: "short" });
    const patched = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { ordering: "none", rateLimitPerSecond: null, retryPreset: "none" } });
    expect(patched.body.endpoint).toMatchObject({ ordering: "none", rateLimitPerSecond: null, retryPreset: "none" });
    const audit = await prisma.auditLogEntry.findFirst({ where: { action: "endpoint.updated", targetId: id }, orderBy: { createdAt: "desc" } });
    expect(audit?.details).toMatchObject({ changed: expect.arrayContaining(["ordering", "rateLimitPerSecond", "retryPreset"]) });
    // Members read them too, and cannot change them.
    expect((await call(endpoints.GET, { user: member, org: orgA })).body.endpoints[0]).toMatchObject({ ordering: "none", rateLimitPerSecond: null, retryPreset: "none" });
    expect((await call(endpoint.PATCH, { method: "PATCH", user: member, org: orgA, params: { id }, body: { rateLimitPerSecond: 5 } })).status).toBe(403);
  });

  it("turns the traceparent header on and off, reads it back and audits the change", async () => {
    const { endpoint: created } = await createEndpointAs(owner, { url: receiver.url });
    expect(created).toMatchObject({ sendTraceparent: false });
    const id = created.id;
    const on = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { sendTraceparent: true } });
    expect(on.body.endpoint).toMatchObject({ sendTraceparent: true });
    expect((await call(endpoint.GET, { user: member, org: orgA, params: { id } })).body.endpoint).toMatchObject({ sendTraceparent: true });
    const audit = await prisma.auditLogEntry.findFirst({ where: { action: "endpoint.updated", targetId: id }, orderBy: { createdAt: "desc" } });
    expect(audit?.details).toMatchObject({ changed: ["sendTraceparent"] });
    const key = await ingestKey();
    await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event: "order.updated", idempotencyKey: "traced", data: {} } });
    await processDueDeliveries();
    expect(receiver.requests.at(-1)!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    const off = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { sendTraceparent: false } });
    expect(off.body.endpoint).toMatchObject({ sendTraceparent: false });
    const { endpoint: createdOn } = await createEndpointAs(owner, { url: receiver.url, sendTraceparent: true });
    expect(createdOn).toMatchObject({ sendTraceparent: true });
    const refused = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { sendTraceparent: "yes" } });
    expect(refused.status).toBe(400);
    expect(refused.body.issues[0]).toMatchObject({ path: ["body", "sendTraceparent"] });
  });

  it.each([
    ["a rate limit of 0", { rateLimitPerSecond: 0 }],
    ["a rate limit above 1000", { rateLimitPerSecond: 1001 }],
    ["a fractional rate limit", { rateLimitPerSecond: 2.5 }],
    ["a rate limit as text", { rateLimitPerSecond: "10" }],
    ["an unknown ordering", { ordering: "fifo" }],
    ["an unknown retry preset", { retryPreset: "forever" }],
  ])("answers %s with 400 naming the field, and changes nothing", async (_label, change) => {
    const { endpoint: created } = await createEndpointAs(owner, { url: receiver.url, rateLimitPerSecond: 10 });
    const field = Object.keys(change)[0]!;
    const patched = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id: created.id }, body: change });
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ error: "invalid_request", issues: [expect.objectContaining({ path: ["body", field] })] });
    const posted = await call(endpoints.POST, { user: owner, org: orgA, body: { url: receiver.url, ...change } });
    expect(posted.status).toBe(400);
    expect(await prisma.webhookEndpoint.findMany({ select: { ordering: true, rateLimitPerSecond: true, retryPreset: true } })).toEqual([
      { ordering: "none", rateLimitPerSecond: 10, retryPreset: "standard" },
    ]);
  });

  it("accepts an ordering key on ingest and refuses a bad one", async () => {
    await createEndpointAs(owner, { url: receiver.url, ordering: "ordered" });
    const key = await ingestKey();
    const headers = { authorization: `Bearer ${key}` };
    const accepted = await call(ingest.POST, { headers, body: { event: "order.updated", idempotencyKey: "o-1", data: {}, orderingKey: "order-7" } });
    expect(accepted.status).toBe(202);
    expect(await prisma.webhookDelivery.findFirst({ select: { orderingKey: true } })).toEqual({ orderingKey: "order-7" });
    for (const orderingKey of ["", "k".repeat(256), 7]) {
      const refused = await call(ingest.POST, { headers, body: { event: "order.updated", idempotencyKey: `bad-${String(orderingKey).length}`, data: {}, orderingKey } });
      expect(refused.status).toBe(400);
      expect(refused.body.issues[0]).toMatchObject({ path: ["body", "orderingKey"] });
    }
    const controls = await call(ingest.POST, { headers, body: { event: "order.updated", idempotencyKey: "ctl", data: {}, orderingKey: "line\nbreak" } });
    expect(controls).toMatchObject({ status: 422, body: { error: "invalid_ordering_key" } });
    expect(await prisma.webhookEvent.count()).toBe(1);
  });
});

describe("custom headers and replay of what was missed", () => {
  it("takes headers on create, shows them masked, edits one, and refuses bad ones with 422", async () => {
    const { endpoint: created } = await createEndpointAs(owner, { url: receiver.url, headers: { Authorization: "Bearer gw-s3cret", "X-Tenant": "acme" } });
    const id = created.id;
    expect(created).toMatchObject({ headers: { Authorization: "••••••••", "X-Tenant": "••••••••" } });
    const read = await call(endpoint.GET, { user: owner, org: orgA, params: { id } });
    expect(JSON.stringify(read.body)).not.toContain("s3cret");
    const key = await ingestKey();
    await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event: "order.updated", idempotencyKey: "with-headers", data: {} } });
    await processDueDeliveries();
    expect(receiver.requests.at(-1)!.headers).toMatchObject({ authorization: "Bearer gw-s3cret", "x-tenant": "acme" });

    const patched = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { headerChanges: { set: { "X-Tenant": "beta" }, remove: ["Authorization"] } } });
    expect(patched.body.endpoint.headers).toEqual({ "X-Tenant": "••••••••" });
    const audit = await prisma.auditLogEntry.findFirst({ where: { action: "endpoint.updated", targetId: id }, orderBy: { createdAt: "desc" } });
    expect(audit?.details).toMatchObject({ changed: ["headers"] });
    expect(JSON.stringify(audit?.details)).not.toContain("beta");

    for (const body of [{ headers: { "Content-Type": "text/plain" } }, { headers: { "X-A": "line\r\nbreak" } }, { headerChanges: { set: { "webhook-id": "x" } } }]) {
      const refused = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body });
      expect(refused).toMatchObject({ status: 422, body: { error: "invalid_headers" } });
    }
    const notText = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { headers: { "X-A": 5 } } });
    expect(notText.status).toBe(400);
    expect((await call(endpoint.GET, { user: owner, org: orgA, params: { id } })).body.endpoint.headers).toEqual({ "X-Tenant": "••••••••" });
    expect((await call(endpoint.PATCH, { method: "PATCH", user: member, org: orgA, params: { id }, body: { headers: {} } })).status).toBe(403);
  });

  it("keeps what a disabled endpoint missed, counts it, and replays it after enabling", async () => {
    const { endpoint: created } = await createEndpointAs(owner);
    const id = created.id;
    await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { status: "disabled" } });
    const key = await ingestKey();
    for (const idempotencyKey of ["missed-1", "missed-2"]) {
      const sent = await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event: "order.updated", idempotencyKey, data: {} } });
      expect(sent.body).toMatchObject({ deliveries: 0 });
    }
    expect((await call(recover.GET, { user: owner, org: orgA, params: { id } })).body).toMatchObject({ missed: 2 });
    expect((await call(recover.POST, { user: owner, org: orgA, params: { id }, body: { missed: true } })).status).toBe(409);
    await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { status: "active" } });
    const replayed = await call(recover.POST, { user: owner, org: orgA, params: { id }, body: { missed: true } });
    expect(replayed.body).toEqual({ requeued: 2 });
    expect(await prisma.auditLogEntry.count({ where: { action: "endpoint.missed_replayed", targetId: id } })).toBe(1);
    await processDueDeliveries();
    expect(receiver.requests.map((request) => JSON.parse(request.body).idempotencyKey).sort()).toEqual(["missed-1", "missed-2"]);
    expect((await call(recover.POST, { user: owner, org: orgA, params: { id }, body: { missed: true, since: new Date().toISOString() } })).status).toBe(400);
    expect((await call(recover.POST, { user: owner, org: orgA, params: { id }, body: {} })).status).toBe(400);
    expect((await call(recover.GET, { user: member, org: orgA, params: { id } })).status).toBe(403);
  });
});

describe("ingest API", () => {
  it("accepts events with an API key, 202 then 200 for the same idempotency key", async () => {
    await createEndpointAs(owner);
    const key = await ingestKey();
    const body = { event: "invoice.settled", idempotencyKey: "inv-42", data: { amount: 42 } };
    const first = await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body });
    expect(first).toMatchObject({ status: 202, body: { eventId: expect.stringMatching(/^evt_/), deliveries: 1, duplicate: false } });
    const again = await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body });
    expect(again).toMatchObject({ status: 200, body: { eventId: first.body.eventId, duplicate: true } });
  });

  it("refuses missing, unknown and revoked keys, and bad events", async () => {
    const body = { event: "invoice.settled", idempotencyKey: "k", data: {} };
    expect((await call(ingest.POST, { body })).status).toBe(401);
    expect((await call(ingest.POST, { body, headers: { authorization: "Bearer whk_unknown" } })).status).toBe(401);
    const key = await ingestKey();
    expect((await call(ingest.POST, { body: { ...body, event: "Bad Event" }, headers: { authorization: `Bearer ${key}` } })).status).toBe(422);
    expect((await call(ingest.POST, { body: { event: "a.b" }, headers: { authorization: `Bearer ${key}` } })).status).toBe(400);
    const listed = await call(apiKeys.GET, { user: owner, org: orgA });
    expect(listed.body.apiKeys[0]).toMatchObject({ prefix: key.slice(0, 12) });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    await call(apiKey.DELETE, { method: "DELETE", user: owner, org: orgA, params: { id: listed.body.apiKeys[0].id } });
    expect((await call(ingest.POST, { body, headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
  });
});

describe("history", () => {
  it("lists, filters and pages deliveries, and shows one with its attempts", async () => {
    await createEndpointAs(owner);
    const key = await ingestKey();
    for (let i = 0; i < 5; i++) {
      await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event: i % 2 ? "user.joined" : "invoice.settled", idempotencyKey: `order-${i}`, data: { i } } });
    }
    await processDueDeliveries();
    const page1 = await call(deliveries.GET, { user: owner, org: orgA, query: { limit: "2" } });
    expect(page1.body.items.map((item: { idempotencyKey: string }) => item.idempotencyKey)).toEqual(["order-4", "order-3"]);
    const page2 = await call(deliveries.GET, { user: owner, org: orgA, query: { limit: "2", cursor: page1.body.nextCursor } });
    expect(page2.body.items.map((item: { idempotencyKey: string }) => item.idempotencyKey)).toEqual(["order-2", "order-1"]);
    const filtered = await call(deliveries.GET, { user: owner, org: orgA, query: { eventType: "user.joined", status: "delivered", idempotencyKey: "ORDER" } });
    expect(filtered.body.items).toHaveLength(2);
    expect((await call(deliveries.GET, { user: owner, org: orgA, query: { status: "bogus" } })).status).toBe(400);

    const detail = await call(delivery.GET, { user: owner, org: orgA, params: { id: page1.body.items[0].id } });
    expect(detail.body.delivery).toMatchObject({ status: "delivered", attempts: 1 });
    expect(JSON.parse(detail.body.delivery.payload)).toMatchObject({ idempotencyKey: "order-4", data: { i: 4 } });
    expect(detail.body.delivery.attemptLog[0].requestHeaders["webhook-signature"]).toMatch(/^v1,•+$/);
  });

  it("redelivers with the same webhook-id and recovers failed deliveries", async () => {
    await createEndpointAs(owner);
    const deliveryId = await deliverOne();
    const again = await call(redeliverRoute.POST, { user: owner, org: orgA, params: { id: deliveryId }, body: {} });
    expect(again.body.result).toMatchObject({ success: true, statusCode: 200 });
    expect(receiver.requests.map((request) => request.headers["webhook-id"])).toEqual([deliveryId, deliveryId]);
    expect((await prisma.webhookAttempt.findMany({ where: { deliveryId }, orderBy: { number: "asc" } })).map((a) => a.trigger)).toEqual(["scheduled", "manual"]);

    await prisma.webhookDelivery.update({ where: { id: deliveryId }, data: { status: "failed" } });
    const endpointId = (await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).endpointId;
    const recovered = await call(recover.POST, { user: owner, org: orgA, params: { id: endpointId }, body: { since: new Date(Date.now() - 3600_000).toISOString() } });
    expect(recovered.body).toEqual({ requeued: 1 });
    expect((await call(recover.POST, { user: owner, org: orgA, params: { id: endpointId }, body: { since: "yesterday" } })).status).toBe(400);
  });
});

describe("classic guide routes", () => {
  it("PUT /api/webhooks/settings creates then updates the default endpoint", async () => {
    const created = await call(settings.PUT, { method: "PUT", user: owner, org: orgA, body: { webhookUrl: receiver.url } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const updated = await call(settings.PUT, { method: "PUT", user: owner, org: orgA, body: { webhookUrl: `${receiver.url}?v=2` } });
    expect(updated.status).toBe(200);
    expect(updated.body.endpoint.id).toBe(created.body.endpoint.id);
    expect(updated.body.secret).toBeUndefined();
    expect(await prisma.webhookEndpoint.count()).toBe(1);
  });

  it("POST /api/webhooks/test validates the URL, then sends a signed test event", async () => {
    const saved = process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "false";
    try {
      const refused = await call(classicTest.POST, { user: owner, org: orgA, body: { webhookUrl: "http://127.0.0.1/hook" } });
      expect(refused).toMatchObject({ status: 422, body: { error: "invalid_url", message: expect.stringMatching(/private IP/) } });
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = saved;
    }
    // Org B: org A spent its test-send budget above, and both test routes share it.
    const sent = await call(classicTest.POST, { user: outsider, org: orgB, body: { webhookUrl: receiver.url } });
    expect(sent.body.result).toMatchObject({ success: true, attempts: 1, statusCode: 200 });
    expect(receiver.requests[0]!.headers["webhook-signature"]).toMatch(/^v1,/);
  });
});
