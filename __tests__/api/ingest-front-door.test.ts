import * as ingest from "@/app/api/v1/events/route";
import { clearKeyCache, flushKeyUse, setKeyCacheClock, API_KEY_CACHE_TTL_MS } from "@/lib/api-key-cache";
import { createApiKey } from "@/lib/api-keys";
import { prisma } from "@/lib/db";
import { processDueDeliveries, rawJson, sendWebhookNotification, verifyStandardWebhookSignature } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { call } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { startReceiver, type Receiver } from "../helpers/receiver";

setupTestDatabase();
allowLoopbackDelivery();

let receiver: Receiver;
// lru-cache reads a start time of 0 as "no TTL": the test clock starts later.
let clock = 1_000_000;
beforeAll(async () => {
  receiver = await startReceiver();
  setKeyCacheClock(() => clock);
});
beforeEach(() => {
  receiver.requests.length = 0;
  clearKeyCache();
});
afterAll(async () => {
  setKeyCacheClock(() => performance.now());
  await receiver.close();
  await closeTransport();
});

const send = (key: string, rawBody: string) => call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, rawBody });

describe("the producer's bytes", () => {
  it("delivers data exactly as sent: big integers, number formats, key order and spacing survive", async () => {
    const organization = await makeOrganization();
    const { secret } = await makeEndpoint({ organizationId: organization.id, url: receiver.url });
    const { key } = await createApiKey({ organizationId: organization.id, name: "backend" });
    const data = `{"id": 9223372036854775807, "amount": 1.50, "z": 1, "a": [1e3, -0.0], "note": "caf\\u00e9"}`;
    const sent = await send(key, `{"event":"invoice.settled","idempotencyKey":"big-1","data": ${data} }`);
    expect(sent.status).toBe(202);
    await processDueDeliveries();
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.body).toContain(`"data":${data}}`);
    expect(request!.body).not.toContain("9223372036854776000");
    // What was signed is what arrived.
    const headers = request!.headers as Record<string, string>;
    expect(verifyStandardWebhookSignature({ messageId: headers["webhook-id"]!, timestamp: headers["webhook-timestamp"]!, signature: headers["webhook-signature"]!, body: request!.body, secret })).toBe(true);
  });

  it("refuses a body whose data is missing, and keeps nothing", async () => {
    const organization = await makeOrganization();
    const { key } = await createApiKey({ organizationId: organization.id, name: "backend" });
    expect((await send(key, `{"event":"invoice.settled","idempotencyKey":"x"}`)).status).toBe(400);
    expect((await send(key, `{"event":"invoice.settled","idempotencyKey":"x","data":`)).status).toBe(400);
    expect(await prisma.webhookEvent.count({ where: { organizationId: organization.id } })).toBe(0);
  });

  it("lets backend code hand over JSON text with rawJson, checked first", async () => {
    const organization = await makeOrganization();
    await sendWebhookNotification(organization.id, "invoice.settled", "raw-1", rawJson(`{"cents":12345678901234567890}`));
    const event = await prisma.webhookEvent.findFirstOrThrow({ where: { organizationId: organization.id } });
    expect(event.body).toMatch(/"data":\{"cents":12345678901234567890\}\}$/);
    expect(() => rawJson(`{"cents":}`)).toThrow(expect.objectContaining({ code: "invalid_payload" }));
  });
});

describe("API key checks from the process's cache", () => {
  it("stops accepting a key revoked by another process once the cached entry expires", async () => {
    const organization = await makeOrganization();
    const { key, apiKey } = await createApiKey({ organizationId: organization.id, name: "backend" });
    const body = (n: number) => `{"event":"invoice.settled","idempotencyKey":"rev-${n}","data":{}}`;
    expect((await send(key, body(1))).status).toBe(202);
    // Another process revokes it: this process does not hear of it...
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { revokedAt: new Date() } });
    clock += API_KEY_CACHE_TTL_MS - 1;
    expect((await send(key, body(2))).status).toBe(202);
    // ...until its cached entry is older than the TTL.
    clock += 2;
    expect((await send(key, body(3))).status).toBe(401);
  });

  it("writes lastUsedAt in batches, at most once a minute per key, never on the request", async () => {
    const organization = await makeOrganization();
    const { key, apiKey } = await createApiKey({ organizationId: organization.id, name: "backend" });
    const other = await createApiKey({ organizationId: organization.id, name: "other" });
    for (let i = 0; i < 5; i++) expect((await send(key, `{"event":"invoice.settled","idempotencyKey":"use-${i}","data":{}}`)).status).toBe(202);
    expect((await send(other.key, `{"event":"invoice.settled","idempotencyKey":"other","data":{}}`)).status).toBe(202);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).toBeNull();
    await flushKeyUse();
    const first = (await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: other.apiKey.id } })).lastUsedAt).toBeInstanceOf(Date);
    // Used again within the minute: nothing to write.
    await send(key, `{"event":"invoice.settled","idempotencyKey":"use-again","data":{}}`);
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { lastUsedAt: new Date(0) } });
    await flushKeyUse();
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).toEqual(new Date(0));
  });
});
