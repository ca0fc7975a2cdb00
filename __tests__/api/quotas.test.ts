import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as endpointTest from "@/app/api/webhooks/endpoints/[id]/test/route";
import * as recover from "@/app/api/webhooks/endpoints/[id]/recover/route";
import * as deliveries from "@/app/api/webhooks/deliveries/route";
import * as redeliverRoute from "@/app/api/webhooks/deliveries/[id]/redeliver/route";
import * as classicTest from "@/app/api/webhooks/test/route";
import * as ingest from "@/app/api/v1/events/route";
import * as ingestBatch from "@/app/api/v1/events/batch/route";
import * as apiKeys from "@/app/api/api-keys/route";
import { prisma } from "@/lib/db";
import { processDueDeliveries } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { withEnv } from "../helpers/env";
import { allowLoopbackDelivery } from "../helpers/fixtures";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";

// Small limits for this file.
withEnv({
  RATE_LIMIT_INGEST_PER_KEY: "3/1h",
  RATE_LIMIT_INGEST_PER_ORGANIZATION: "5/1h",
  RATE_LIMIT_MANAGEMENT_PER_KEY: "3/1h",
  RATE_LIMIT_TEST_SENDS: "2/1h",
  RATE_LIMIT_REDELIVERIES: "2/1h",
  RATE_LIMIT_RECOVERIES: "1/1h",
  WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION: "3",
});

setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

let receiver: Receiver;
let owner: TestUser;
let other: TestUser;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  receiver = await startReceiver(respondWith(200, {}, "ok"));
});
beforeEach(async () => {
  // A fresh pair of organizations per test: every budget is per key or per organization.
  owner = await signUp(`owner-${Math.random().toString(36).slice(2)}@a.example`);
  orgA = await createOrganization(owner, "Org A");
  other = await signUp(`owner-${Math.random().toString(36).slice(2)}@b.example`);
  orgB = await createOrganization(other, "Org B");
});
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

async function ingestKey(user = owner, org = orgA): Promise<string> {
  const response = await call(apiKeys.POST, { user, org, body: { name: "backend" } });
  expect(response.status).toBe(201);
  return response.body.key;
}

const send = (key: string, idempotencyKey: string) =>
  call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event: "invoice.settled", idempotencyKey, data: {} } });

async function endpointIn(org = orgA, user = owner): Promise<string> {
  const response = await call(endpoints.POST, { user, org, body: { url: receiver.url } });
  expect(response.status).toBe(201);
  return response.body.endpoint.id;
}

describe("management API rate limit", () => {
  it("answers a key 429 past its budget, and leaves other keys and signed-in owners alone", async () => {
    await endpointIn();
    const make = async () => (await call(apiKeys.POST, { user: owner, org: orgA, body: { name: "ops", scopes: ["endpoints:read"] } })).body.key as string;
    const key = await make();
    const list = (bearer: string) => call(endpoints.GET, { headers: { authorization: `Bearer ${bearer}` } });
    for (let i = 0; i < 3; i++) expect((await list(key)).status).toBe(200);
    const refused = await list(key);
    expect(refused).toMatchObject({ status: 429, body: { error: "rate_limited", limit: "3/1h" } });
    expect(refused.body.message).toMatch(/Too many management API requests for this API key/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await list(await make())).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await call(endpoints.GET, { user: owner, org: orgA })).status).toBe(200);
  });
});

describe("ingest rate limits", () => {
  it("answers 429 with Retry-After past the per-key limit, stores nothing for it, and keeps other keys going", async () => {
    await endpointIn();
    const key = await ingestKey();
    for (let i = 0; i < 3; i++) expect((await send(key, `k-${i}`)).status).toBe(202);
    const refused = await send(key, "k-3");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: "rate_limited", limit: "3/1h" });
    expect(refused.body.message).toMatch(/Too many events sent for this API key: the limit is 3\/1h; try again in \d+ s/);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await prisma.webhookEvent.count({ where: { organizationId: orgA, idempotencyKey: "k-3" } })).toBe(0);
    // Another key of the same organization still has its own budget.
    const second = await ingestKey();
    expect((await send(second, "k-4")).status).toBe(202);
  });

  it("caps the organization across its keys, and not other organizations", async () => {
    await endpointIn();
    const keys = [await ingestKey(), await ingestKey()];
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await send(keys[i % 2]!, `org-${i}`)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    // A new key does not bring a new organization budget.
    const refused = await send(await ingestKey(), "org-6");
    expect(refused.body.message).toMatch(/for this organization: the limit is 5\/1h/);
    const keyB = await ingestKey(other, orgB);
    expect((await send(keyB, "b-1")).status).toBe(202);
  });

  it("counts a batch as the events it holds, against the key's and the organization's budgets", async () => {
    await endpointIn();
    const sendBatch = (key: string, keys: string[]) =>
      call(ingestBatch.POST, { headers: { authorization: `Bearer ${key}` }, body: { items: keys.map((idempotencyKey) => ({ event: "invoice.settled", idempotencyKey, data: {} })) } });
    const key = await ingestKey();
    expect((await sendBatch(key, ["b-1", "b-2"])).status).toBe(200);
    // One event of the key's three is left: a batch of two is refused whole, a single send passes.
    const refused = await sendBatch(key, ["b-3", "b-4"]);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/for this API key: the limit is 3\/1h/);
    expect((await send(key, "b-5")).status).toBe(202);
    expect((await send(key, "b-6")).status).toBe(429);
    // Three of the organization's five are spent: a new key's batch of three passes its own limit, not the organization's.
    const overOrganization = await sendBatch(await ingestKey(), ["b-7", "b-8", "b-9"]);
    expect(overOrganization.status).toBe(429);
    expect(overOrganization.body.message).toMatch(/for this organization: the limit is 5\/1h/);
    expect((await prisma.webhookEvent.findMany({ where: { organizationId: orgA }, select: { idempotencyKey: true } })).map((row) => row.idempotencyKey).sort()).toEqual(["b-1", "b-2", "b-5"]);
  });
});

describe("manual actions", () => {
  it("shares one test-send budget between the endpoint test and the classic test route", async () => {
    const id = await endpointIn();
    expect((await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: {} })).status).toBe(200);
    expect((await call(classicTest.POST, { user: owner, org: orgA, body: { webhookUrl: receiver.url } })).status).toBe(200);
    const refused = await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: {} });
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/test sends/);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("limits redeliveries and recoveries per organization", async () => {
    const endpointId = await endpointIn();
    const key = await ingestKey();
    expect((await send(key, "r-1")).status).toBe(202);
    await processDueDeliveries();
    const deliveryId = (await call(deliveries.GET, { user: owner, org: orgA })).body.items[0].id;
    const redeliver = () => call(redeliverRoute.POST, { user: owner, org: orgA, params: { id: deliveryId }, body: {} });
    expect((await redeliver()).status).toBe(200);
    expect((await redeliver()).status).toBe(200);
    expect((await redeliver()).status).toBe(429);

    const since = new Date(Date.now() - 3600_000).toISOString();
    const recoverNow = () => call(recover.POST, { user: owner, org: orgA, params: { id: endpointId }, body: { since } });
    expect((await recoverNow()).status).toBe(200);
    const refused = await recoverNow();
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/recoveries of failed deliveries for this organization: the limit is 1\/1h/);
  });
});

describe("endpoints per organization", () => {
  it("refuses the endpoint past the cap with 409 and the numbers, per organization", async () => {
    for (let i = 0; i < 3; i++) await endpointIn();
    const refused = await call(endpoints.POST, { user: owner, org: orgA, body: { url: receiver.url } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: "endpoint_limit_reached", limit: 3, current: 3 });
    expect(refused.body.message).toMatch(/has 3 endpoints, the most this installation allows \(3\)/);
    expect(await prisma.webhookEndpoint.count({ where: { organizationId: orgA } })).toBe(3);
    // Another organization is not affected.
    await endpointIn(orgB, other);
  });

  it("lets only one of several concurrent creates take the last place", async () => {
    for (let i = 0; i < 2; i++) await endpointIn();
    const results = await Promise.all(Array.from({ length: 4 }, () => call(endpoints.POST, { user: owner, org: orgA, body: { url: receiver.url } })));
    expect(results.map((result) => result.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await prisma.webhookEndpoint.count({ where: { organizationId: orgA } })).toBe(3);
  });
});
