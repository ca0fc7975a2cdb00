import * as batch from "@/app/api/v1/events/batch/route";
import { createApiKey } from "@/lib/api-keys";
import { prisma } from "@/lib/db";
import { BATCH_MAX_BODY_BYTES } from "@/lib/webhooks/batch";
import { BATCH_MAX_ITEMS, processDueDeliveries, sendWebhookNotification, verifyStandardWebhookSignature } from "@/lib/webhooks";
import { MAX_PAYLOAD_BYTES } from "@/lib/webhooks/events";
import { closeTransport } from "@/lib/webhooks/transport";
import { call } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { startReceiver, type Receiver } from "../helpers/receiver";

const db = setupTestDatabase();
allowLoopbackDelivery();

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
beforeEach(async () => {
  receiver.requests.length = 0;
  await db.truncate();
});
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

const send = (key: string, rawBody: string) => call(batch.POST, { headers: { authorization: `Bearer ${key}` }, rawBody });

/** An organization with an endpoint on the receiver and an API key. */
async function producer() {
  const organization = await makeOrganization();
  const { endpoint, secret } = await makeEndpoint({ organizationId: organization.id, url: receiver.url });
  const { key } = await createApiKey({ organizationId: organization.id, name: "backend" });
  return { organization, endpoint, secret, key };
}

const event = (idempotencyKey: string, more: Record<string, unknown> = {}) => ({ event: "invoice.settled", idempotencyKey, data: { key: idempotencyKey }, ...more });

describe("POST /api/v1/events/batch", () => {
  it("answers every item in input order with its own status; a bad item does not fail the others", async () => {
    const { organization, key } = await producer();
    const stored = await sendWebhookNotification(organization.id, "invoice.settled", "already-sent", {});
    const items = [
      event("new-1"),
      { event: "invoice.settled", idempotencyKey: "no-data" },
      event("new-1"),
      event("already-sent"),
      { idempotencyKey: "no-event", data: {} },
      { event: 42, idempotencyKey: ["x"], data: {} },
      "not an object",
      event("bad-type", { event: "Invoice.Paid" }),
      event("reserved", { event: "endpoint.disabled" }),
      event("too-big", { data: { blob: "x".repeat(MAX_PAYLOAD_BYTES) } }),
      event("ordered", { orderingKey: "customer-1" }),
      // A declared type's data is checked against its schema, item by item.
      { event: "invoice.paid", idempotencyKey: "declared-ok", data: { invoiceId: "inv_1", amount: 4200, currency: "usd" } },
      { event: "invoice.paid", idempotencyKey: "declared-bad", data: { invoiceId: "inv_2", amount: "12.00", currency: "usd" } },
    ];
    const response = await send(key, JSON.stringify({ items }));
    expect(response.status).toBe(200);
    const { results } = response.body;
    expect(results.map((result: { status: number }) => result.status)).toEqual([202, 400, 200, 200, 400, 400, 400, 422, 422, 413, 202, 202, 422]);
    expect(results[0]).toEqual({ status: 202, eventId: expect.stringMatching(/^evt_/), deliveries: 1, duplicate: false });
    expect(results[2]).toEqual({ ...results[0], status: 200, duplicate: true });
    expect(results[3]).toEqual({ status: 200, eventId: stored.eventId, deliveries: 1, duplicate: true });
    expect(results[1]).toEqual({
      status: 400,
      error: { code: "invalid_request", message: "Item 1 is not valid", issues: [{ path: ["body", "items", "1", "data"], message: "is required", code: "custom" }] },
    });
    expect(results[4].error.issues.map((issue: { path: string[] }) => issue.path)).toEqual([["body", "items", "4", "event"]]);
    expect(results[5].error.issues.map((issue: { path: string[] }) => issue.path.join("."))).toEqual(["body.items.5.event", "body.items.5.idempotencyKey"]);
    expect(results[6].error.issues).toEqual([expect.objectContaining({ path: ["body", "items", "6"] })]);
    expect(results[7].error).toEqual({ code: "invalid_event_type", message: expect.any(String) });
    expect(results[8].error.code).toBe("reserved_event_type");
    expect(results[9].error.code).toBe("payload_too_large");
    expect(results[12].error).toMatchObject({ code: "invalid_payload", issues: [{ path: ["data", "amount"], code: "invalid_type" }] });

    const events = await prisma.webhookEvent.findMany({ where: { organizationId: organization.id }, select: { id: true, idempotencyKey: true, orderingKey: true } });
    expect(events.map((row) => row.idempotencyKey).sort()).toEqual(["already-sent", "declared-ok", "new-1", "ordered"]);
    expect(events.find((row) => row.idempotencyKey === "ordered")!.orderingKey).toBe("customer-1");
    expect(await processDueDeliveries()).toBe(4);
  });

  it("delivers each item's data exactly as sent: big integers, number formats, key order and spacing survive", async () => {
    const { key, secret } = await producer();
    const first = `{"id": 9223372036854775807, "amount": 1.50, "z": 1, "a": [1e3, -0.0], "note": "caf\\u00e9"}`;
    const second = `[ 1.0 ,{"b":2,"a":1} ]`;
    const third = `12345678901234567890.000`;
    const body = `{ "items" : [
      {"data": ${first}, "event":"invoice.settled","idempotencyKey":"raw-1"} ,
      {"event":"invoice.settled","idempotencyKey":"raw-2","data":${second}},
      {"event":"invoice.settled","idempotencyKey":"raw-3","data":   ${third}   }
    ] }`;
    const response = await send(key, body);
    expect(response.body.results.map((result: { status: number }) => result.status)).toEqual([202, 202, 202]);
    await processDueDeliveries();
    expect(receiver.requests).toHaveLength(3);
    const byKey = new Map(receiver.requests.map((request) => [JSON.parse(request.body).idempotencyKey as string, request]));
    for (const [idempotencyKey, data] of [["raw-1", first], ["raw-2", second], ["raw-3", third]] as const) {
      const request = byKey.get(idempotencyKey)!;
      expect(request.body.endsWith(`"data":${data}}`)).toBe(true);
      const headers = request.headers as Record<string, string>;
      expect(verifyStandardWebhookSignature({ messageId: headers["webhook-id"]!, timestamp: headers["webhook-timestamp"]!, signature: headers["webhook-signature"]!, body: request.body, secret })).toBe(true);
    }
    expect(byKey.get("raw-1")!.body).not.toContain("9223372036854776000");
  });

  it("answers an empty batch with no results", async () => {
    const { key } = await producer();
    expect(await send(key, `{"items":[]}`)).toMatchObject({ status: 200, body: { results: [] } });
  });

  it(`refuses more than ${BATCH_MAX_ITEMS} items as a whole (413), and stores nothing`, async () => {
    const { key } = await producer();
    const items = Array.from({ length: BATCH_MAX_ITEMS + 1 }, (_, i) => event(`over-${i}`));
    const response = await send(key, JSON.stringify({ items }));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: "batch_too_large" });
    expect(await prisma.webhookEvent.count()).toBe(0);
  });

  it("refuses a body over 5 MiB (413), and stores nothing", async () => {
    const { key } = await producer();
    const chunk = "x".repeat(200 * 1024);
    const items = Array.from({ length: Math.ceil(BATCH_MAX_BODY_BYTES / chunk.length) + 1 }, (_, i) => event(`big-${i}`, { data: chunk }));
    const response = await send(key, JSON.stringify({ items }));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: "payload_too_large" });
    expect(await prisma.webhookEvent.count()).toBe(0);
  });

  it.each([
    ["not JSON", `{"items": [`, "invalid_json"],
    ["no items", `{"events": []}`, "invalid_request"],
    ["items that are not an array", `{"items": {"0": {}}}`, "invalid_request"],
    ["a bare array", `[{"event":"invoice.settled","idempotencyKey":"k","data":{}}]`, "invalid_request"],
  ])("refuses %s as a whole (400)", async (_label, body, code) => {
    const { key } = await producer();
    const response = await send(key, body);
    expect(response).toMatchObject({ status: 400, body: { error: code } });
    expect(await prisma.webhookEvent.count()).toBe(0);
  });

  it("refuses a wrong, a revoked or no API key (401)", async () => {
    const { organization } = await producer();
    const body = JSON.stringify({ items: [event("k")] });
    expect((await send("whk_wrong", body)).status).toBe(401);
    expect((await call(batch.POST, { rawBody: body })).status).toBe(401);
    const { key, apiKey } = await createApiKey({ organizationId: organization.id, name: "old" });
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { revokedAt: new Date() } });
    expect((await send(key, body)).status).toBe(401);
    expect(await prisma.webhookEvent.count()).toBe(0);
  });

  it("sends to the API key's own organization only", async () => {
    const mine = await producer();
    const theirs = await producer();
    const response = await send(mine.key, JSON.stringify({ items: [event("mine")], organizationId: theirs.organization.id }));
    expect(response.body.results).toEqual([expect.objectContaining({ status: 202 })]);
    expect(await prisma.webhookEvent.findMany({ select: { organizationId: true } })).toEqual([{ organizationId: mine.organization.id }]);
  });
});
