import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as endpoint from "@/app/api/webhooks/endpoints/[id]/route";
import * as endpointTest from "@/app/api/webhooks/endpoints/[id]/test/route";
import * as rotate from "@/app/api/webhooks/endpoints/[id]/rotate-secret/route";
import * as reveal from "@/app/api/webhooks/endpoints/[id]/secret/route";
import * as recover from "@/app/api/webhooks/endpoints/[id]/recover/route";
import * as deliveries from "@/app/api/webhooks/deliveries/route";
import * as delivery from "@/app/api/webhooks/deliveries/[id]/route";
import * as redeliverRoute from "@/app/api/webhooks/deliveries/[id]/redeliver/route";
import * as ingest from "@/app/api/v1/events/route";
import * as eventTypes from "@/app/api/v1/event-types/route";
import * as apiKeys from "@/app/api/api-keys/route";
import * as apiKey from "@/app/api/api-keys/[id]/route";
import * as auditLog from "@/app/api/audit-log/route";
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
  receiver = await startReceiver(respondWith(200, {}, "ok"));
  owner = await signUp("owner@scopes-a.example");
  orgA = await createOrganization(owner, "Scopes A");
  member = await signUp("member@scopes-a.example");
  await joinOrganization(member, orgA, "member");
  outsider = await signUp("owner@scopes-b.example");
  orgB = await createOrganization(outsider, "Scopes B");
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

/** A key of `org` made by its owner through the API, with `scopes` (the default when omitted). */
async function makeKey(scopes?: string[], user = owner, org = orgA): Promise<{ id: string; key: string; scopes: string[] }> {
  const response = await call(apiKeys.POST, { user, org, body: scopes ? { name: "machine", scopes } : { name: "machine" } });
  expect(response.status).toBe(201);
  return { id: response.body.apiKey.id, key: response.body.key, scopes: response.body.apiKey.scopes };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** An endpoint with a token in its URL's query, so masking can be told from the whole URL. */
async function ownerEndpoint(org = orgA, user = owner): Promise<string> {
  const response = await call(endpoints.POST, { user, org, body: { url: `${receiver.url}/hooks?token=s3cret` } });
  expect(response.status).toBe(201);
  return response.body.endpoint.id;
}

async function deliveredEventId(key: string): Promise<string> {
  const sent = await call(ingest.POST, { headers: bearer(key), body: { event: "invoice.settled", idempotencyKey: `k-${Math.random()}`, data: { n: 1 } } });
  expect(sent.status).toBe(202);
  await processDueDeliveries();
  const list = await call(deliveries.GET, { user: owner, org: orgA });
  return list.body.items[0].id;
}

describe("scopes on keys", () => {
  it("gives a key made without scopes events:write only, as keys made before scopes had", async () => {
    const { key, scopes } = await makeKey();
    expect(scopes).toEqual(["events:write"]);
    await ownerEndpoint();
    expect((await call(ingest.POST, { headers: bearer(key), body: { event: "invoice.settled", idempotencyKey: "a", data: {} } })).status).toBe(202);
    const refused = await call(endpoints.GET, { headers: bearer(key) });
    expect(refused).toMatchObject({ status: 403, body: { error: "missing_scope", missingScope: "endpoints:read", scopes: ["events:write"] } });
    expect(refused.body.message).toContain("endpoints:read");
  });

  it("refuses to send events with a key that lacks events:write, and lets any key read the catalogue", async () => {
    const { key } = await makeKey(["endpoints:read"]);
    const refused = await call(ingest.POST, { headers: bearer(key), body: { event: "invoice.settled", idempotencyKey: "a", data: {} } });
    expect(refused).toMatchObject({ status: 403, body: { error: "missing_scope", missingScope: "events:write" } });
    expect((await call(eventTypes.GET, { headers: bearer(key) })).status).toBe(200);
  });

  it("lets endpoints:read list and read endpoints with their URLs masked, and nothing more", async () => {
    const id = await ownerEndpoint();
    const { key } = await makeKey(["endpoints:read"]);
    const list = await call(endpoints.GET, { headers: bearer(key) });
    expect(list.status).toBe(200);
    expect(list.body.endpoints.map((e: { id: string }) => e.id)).toEqual([id]);
    expect(JSON.stringify(list.body)).not.toContain("s3cret");
    const one = await call(endpoint.GET, { headers: bearer(key), params: { id } });
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).not.toContain("s3cret");
    for (const [handler, options, scope] of [
      [endpoints.POST, { body: { url: "https://example.com/x" } }, "endpoints:write"],
      [endpoint.PATCH, { method: "PATCH", params: { id }, body: { description: "x" } }, "endpoints:write"],
      [endpoint.DELETE, { method: "DELETE", params: { id } }, "endpoints:write"],
      [reveal.GET, { params: { id } }, "endpoints:write"],
      [rotate.POST, { params: { id }, body: {} }, "endpoints:write"],
      [endpointTest.POST, { params: { id }, body: {} }, "endpoints:write"],
      [deliveries.GET, {}, "deliveries:read"],
    ] as const) {
      const response = await call(handler as never, { ...options, headers: bearer(key) });
      expect(response).toMatchObject({ status: 403, body: { missingScope: scope } });
    }
    expect(await prisma.webhookEndpoint.count()).toBe(1);
  });

  it("lets endpoints:write manage endpoints end to end, each change recorded as the key's", async () => {
    const { id: keyId, key } = await makeKey(["endpoints:write"]);
    const created = await call(endpoints.POST, { headers: bearer(key), body: { url: `${receiver.url}/hooks?token=s3cret`, eventTypes: ["invoice.settled"] } });
    expect(created.status).toBe(201);
    const id = created.body.endpoint.id as string;
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } })).toMatchObject({ organizationId: orgA });
    // Writing includes reading, with the whole URL.
    expect((await call(endpoint.GET, { headers: bearer(key), params: { id } })).body.endpoint.url).toContain("s3cret");
    expect((await call(endpoint.PATCH, { method: "PATCH", headers: bearer(key), params: { id }, body: { description: "billing" } })).status).toBe(200);
    expect((await call(reveal.GET, { headers: bearer(key), params: { id } })).body.secret).toBe(created.body.secret);
    const rotated = await call(rotate.POST, { headers: bearer(key), params: { id }, body: {} });
    expect(rotated.status).toBe(200);
    const tested = await call(endpointTest.POST, { headers: bearer(key), params: { id }, body: {} });
    expect(tested.status).toBe(200);
    expect(receiver.requests).toHaveLength(1);
    expect((await call(endpoint.DELETE, { method: "DELETE", headers: bearer(key), params: { id } })).status).toBe(204);

    const audit = await call(auditLog.GET, { user: owner, org: orgA, query: { actor: keyId } });
    expect(audit.body.items.map((entry: { action: string }) => entry.action).sort()).toEqual(
      ["endpoint.created", "endpoint.deleted", "endpoint.secret_revealed", "endpoint.secret_rotated", "endpoint.updated"].sort(),
    );
    for (const entry of audit.body.items) expect(entry).toMatchObject({ actorType: "api_key", actorApiKeyId: keyId, actorUserId: null });
  });

  it("splits reading deliveries from redelivering and recovering them", async () => {
    await ownerEndpoint();
    const { key: sender } = await makeKey();
    const deliveryId = await deliveredEventId(sender);
    const endpointId = (await prisma.webhookEndpoint.findFirstOrThrow()).id;
    const { key: reader } = await makeKey(["deliveries:read"]);
    const list = await call(deliveries.GET, { headers: bearer(reader) });
    expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([deliveryId]);
    expect(JSON.stringify(list.body)).not.toContain("s3cret");
    expect((await call(delivery.GET, { headers: bearer(reader), params: { id: deliveryId } })).body.delivery.attempts).toBe(1);
    expect((await call(recover.GET, { headers: bearer(reader), params: { id: endpointId } })).status).toBe(200);
    expect(await call(redeliverRoute.POST, { headers: bearer(reader), params: { id: deliveryId } })).toMatchObject({ status: 403, body: { missingScope: "deliveries:write" } });
    expect(
      await call(recover.POST, { headers: bearer(reader), params: { id: endpointId }, body: { since: new Date(Date.now() - 3_600_000).toISOString() } }),
    ).toMatchObject({ status: 403, body: { missingScope: "deliveries:write" } });

    const { key: writer } = await makeKey(["deliveries:write"]);
    const redelivered = await call(redeliverRoute.POST, { headers: bearer(writer), params: { id: deliveryId } });
    expect(redelivered.status).toBe(200);
    expect(receiver.requests).toHaveLength(2);
  });

  it("acts only in the key's own organization, whatever X-Organization-Id names", async () => {
    const theirs = await ownerEndpoint(orgB, outsider);
    const { key } = await makeKey(["endpoints:write", "deliveries:write"]);
    expect((await call(endpoint.GET, { headers: bearer(key), params: { id: theirs } })).status).toBe(404);
    expect((await call(endpoint.PATCH, { method: "PATCH", headers: bearer(key), params: { id: theirs }, body: { description: "mine now" } })).status).toBe(404);
    expect((await call(reveal.GET, { headers: bearer(key), params: { id: theirs } })).status).toBe(404);
    const listed = await call(endpoints.GET, { headers: bearer(key), org: orgB });
    expect(listed.body.endpoints).toEqual([]);
    const created = await call(endpoints.POST, { headers: bearer(key), org: orgB, body: { url: receiver.url } });
    expect(created.status).toBe(201);
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.body.endpoint.id } })).toMatchObject({ organizationId: orgA });
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: theirs } })).toMatchObject({ description: "" });
  });

  it("refuses unknown, revoked and made-up keys, and keys on routes that take only a session", async () => {
    expect((await call(endpoints.GET, { headers: bearer("whk_madeup") })).status).toBe(401);
    const { id, key } = await makeKey(["endpoints:write", "deliveries:write", "deliveries:read", "endpoints:read", "events:write"]);
    const keyList = await call(apiKeys.GET, { headers: bearer(key) });
    expect(keyList).toMatchObject({ status: 401, body: { error: "unauthenticated" } });
    expect(keyList.body.message).toContain("does not accept API keys");
    expect((await call(auditLog.GET, { headers: bearer(key) })).status).toBe(401);
    await call(apiKey.DELETE, { method: "DELETE", user: owner, org: orgA, params: { id } });
    expect((await call(endpoints.GET, { headers: bearer(key) })).status).toBe(401);
  });
});

describe("changing a key's scopes", () => {
  it("takes effect on the next request, and is audited", async () => {
    const { id, key } = await makeKey();
    expect((await call(endpoints.GET, { headers: bearer(key) })).status).toBe(403);
    const changed = await call(apiKey.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { scopes: ["endpoints:read", "events:write"] } });
    expect(changed).toMatchObject({ status: 200, body: { apiKey: { id, scopes: ["events:write", "endpoints:read"] } } });
    expect((await call(endpoints.GET, { headers: bearer(key) })).status).toBe(200);
    await call(apiKey.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { scopes: ["deliveries:read"] } });
    expect((await call(endpoints.GET, { headers: bearer(key) })).status).toBe(403);
    expect((await call(ingest.POST, { headers: bearer(key), body: { event: "invoice.settled", idempotencyKey: "z", data: {} } })).status).toBe(403);
    const audit = await call(auditLog.GET, { user: owner, org: orgA, query: { action: "api_key.scopes_changed" } });
    expect(audit.body.items[0]).toMatchObject({ details: { from: ["events:write", "endpoints:read"], to: ["deliveries:read"] } });
  });

  it("refuses bad scopes with the issue, a revoked key with 409, members with 403 and other organizations with 404", async () => {
    const { id } = await makeKey();
    const unknown = await call(apiKey.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { scopes: ["endpoints:admin"] } });
    expect(unknown).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ path: ["body", "scopes", "0"] })] } });
    expect((await call(apiKey.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { scopes: [] } })).status).toBe(400);
    expect((await call(apiKey.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { scopes: ["events:write", "events:write"] } })).status).toBe(400);
    expect((await call(apiKeys.POST, { user: owner, org: orgA, body: { name: "x", scopes: ["everything"] } })).status).toBe(400);
    expect((await call(apiKey.PATCH, { method: "PATCH", user: member, org: orgA, params: { id }, body: { scopes: ["endpoints:write"] } })).status).toBe(403);
    expect((await call(apiKey.PATCH, { method: "PATCH", user: outsider, org: orgB, params: { id }, body: { scopes: ["endpoints:write"] } })).status).toBe(404);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id } })).scopes).toEqual(["events:write"]);
    await call(apiKey.DELETE, { method: "DELETE", user: owner, org: orgA, params: { id } });
    expect((await call(apiKey.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id }, body: { scopes: ["endpoints:write"] } })).status).toBe(409);
  });
});
