import { getDatabase, prisma } from "@/lib/db";
import type { HotStatement } from "@/lib/database/hot-sql";
import {
  BATCH_MAX_ITEMS,
  isBatchItemError,
  processDueDeliveries,
  rawJson,
  sendWebhookNotification,
  sendWebhookNotifications,
  startWorker,
  WebhookError,
  type BatchItem,
  type BatchItemResult,
  type EnqueueResult,
} from "@/lib/webhooks";
import { MAX_PAYLOAD_BYTES } from "@/lib/webhooks/events";
import { setupEngineTest } from "../helpers/engine";
import { eventually } from "../helpers/eventually";
import { makeClock, makeEndpoint, makeOrganization } from "../helpers/fixtures";

const harness = setupEngineTest();

const item = (idempotencyKey: string, data: unknown = { key: idempotencyKey }, more: Partial<BatchItem> = {}): BatchItem => ({
  event: "invoice.settled",
  idempotencyKey,
  data,
  ...more,
});

function stored(result: BatchItemResult | undefined): EnqueueResult {
  if (!result || isBatchItemError(result)) throw new Error(`expected a stored event, got ${JSON.stringify(result)}`);
  return result;
}

/** Counts the event-writing statements and the reads of stored repeats on the shared client. */
function countStatements() {
  const database = getDatabase();
  const hot = jest.spyOn(database, "hotQuery");
  const findMany = jest.spyOn(database.prisma.webhookEvent, "findMany");
  const findUnique = jest.spyOn(database.prisma.webhookEvent, "findUniqueOrThrow");
  return {
    writes: () => hot.mock.calls.filter(([statement]) => (statement as HotStatement).name === "webhook_write_events").length,
    repeatReads: () => findMany.mock.calls.length + findUnique.mock.calls.length,
    restore() {
      hot.mockRestore();
      findMany.mockRestore();
      findUnique.mockRestore();
    },
  };
}

describe("sendWebhookNotifications", () => {
  it("answers each item in input order, a bad item next to good ones, and writes the good ones", async () => {
    const receiver = await harness.receiver();
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const results = await sendWebhookNotifications(org.id, [
      item("b-1"),
      item("b-2", undefined, { event: "Invoice.Paid" }),
      item("b-3"),
      item("b-4", undefined, { event: "endpoint.disabled" }),
      item("", {}),
      item("b-6", {}, { orderingKey: "" }),
      item("b-7", { n: BigInt(1) }),
      item("b-8", { blob: "x".repeat(MAX_PAYLOAD_BYTES) }),
      item("b-9", rawJson(`{"id":9223372036854775807,"amount":1.50}`)),
    ]);
    expect(results.map((result) => (isBatchItemError(result) ? result.error.code : "stored"))).toEqual([
      "stored",
      "invalid_event_type",
      "stored",
      "reserved_event_type",
      "invalid_idempotency_key",
      "invalid_ordering_key",
      "invalid_payload",
      "payload_too_large",
      "stored",
    ]);
    for (const index of [0, 2, 8]) {
      expect(results[index]).toEqual({ eventId: expect.stringMatching(/^evt_/), deliveries: [{ id: expect.stringMatching(/^msg_/), endpointId: endpoint.id }], duplicate: false });
    }
    // Each refusal says what the single send would have thrown.
    expect(results[1]).toEqual({ error: { code: "invalid_event_type", message: expect.stringContaining("resource.action") } });
    const events = await prisma.webhookEvent.findMany({ select: { id: true, idempotencyKey: true, body: true } });
    expect(events.map((event) => event.idempotencyKey).sort()).toEqual(["b-1", "b-3", "b-9"]);
    expect(events.find((event) => event.idempotencyKey === "b-9")!.body).toMatch(/"data":\{"id":9223372036854775807,"amount":1\.50\}\}$/);
    expect(new Set(events.map((event) => event.id))).toEqual(new Set([0, 2, 8].map((index) => stored(results[index]).eventId)));
    expect(await prisma.webhookDelivery.count()).toBe(3);
  });

  it("writes a key repeated in the batch once, and answers the repeats with the first occurrence's event", async () => {
    const receiver = await harness.receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const results = await sendWebhookNotifications(org.id, [
      item("bad-first", undefined, { event: "nope" }),
      item("same", { n: 1 }),
      item("other"),
      item("same", { n: 2 }),
      item("bad-first", { n: 3 }),
      item("bad-first", { n: 4 }),
    ]);
    const first = stored(results[1]);
    expect(first.duplicate).toBe(false);
    expect(results[3]).toEqual({ ...first, duplicate: true });
    // A refused item writes nothing: the first valid occurrence of its key is the one stored.
    expect(results[0]).toMatchObject({ error: { code: "invalid_event_type" } });
    expect(stored(results[4]).duplicate).toBe(false);
    expect(results[5]).toEqual({ ...stored(results[4]), duplicate: true });
    expect(await prisma.webhookEvent.count()).toBe(3);
    const same = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: first.eventId } });
    expect(JSON.parse(same.body).data).toEqual({ n: 1 });
    expect(await processDueDeliveries()).toBe(3);
    expect(receiver.requests.map((request) => JSON.parse(request.body).data).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { key: "other" },
      { n: 1 },
      { n: 3 },
    ]);
  });

  it("answers keys already stored with the stored event and its deliveries, read back in one query", async () => {
    const receiver = await harness.receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const before = await Promise.all(["old-1", "old-2", "old-3"].map((key) => sendWebhookNotification(org.id, "invoice.settled", key, { key })));
    const count = countStatements();
    let results: BatchItemResult[];
    try {
      results = await sendWebhookNotifications(org.id, [item("old-2"), item("new-1"), item("old-1"), item("old-3"), item("old-2")]);
      expect(count.writes()).toBe(1);
      expect(count.repeatReads()).toBe(1);
    } finally {
      count.restore();
    }
    expect(results[0]).toEqual({ ...before[1], duplicate: true });
    expect(results[2]).toEqual({ ...before[0], duplicate: true });
    expect(results[3]).toEqual({ ...before[2], duplicate: true });
    expect(results[4]).toEqual({ ...before[1], duplicate: true });
    expect(stored(results[1]).duplicate).toBe(false);
    expect(await prisma.webhookEvent.count()).toBe(4);
    expect(await prisma.webhookDelivery.count()).toBe(4);
  });

  it(`writes ${BATCH_MAX_ITEMS} events and their deliveries with one statement`, async () => {
    const receiver = await harness.receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    await makeEndpoint({ organizationId: org.id, url: receiver.url, eventTypes: ["invoice.settled"] });
    const items = Array.from({ length: BATCH_MAX_ITEMS }, (_, i) => item(`bulk-${i}`, { i }));
    const count = countStatements();
    let results: BatchItemResult[];
    try {
      results = await sendWebhookNotifications(org.id, items);
      expect(count.writes()).toBe(1);
      // Nothing was a repeat: nothing read back.
      expect(count.repeatReads()).toBe(0);
    } finally {
      count.restore();
    }
    expect(results.every((result) => !isBatchItemError(result) && result.deliveries.length === 2 && !result.duplicate)).toBe(true);
    expect(await prisma.webhookEvent.count()).toBe(BATCH_MAX_ITEMS);
    expect(await prisma.webhookDelivery.count()).toBe(2 * BATCH_MAX_ITEMS);
    // Input order kept in the answer.
    const bodies = await prisma.webhookEvent.findMany({ select: { id: true, body: true } });
    const byId = new Map(bodies.map((event) => [event.id, JSON.parse(event.body).data.i as number]));
    expect(results.map((result) => byId.get(stored(result).eventId))).toEqual(items.map((_, i) => i));
  });

  it(`refuses more than ${BATCH_MAX_ITEMS} items as a whole, and writes nothing`, async () => {
    const org = await makeOrganization();
    const error = await sendWebhookNotifications(org.id, Array.from({ length: BATCH_MAX_ITEMS + 1 }, (_, i) => item(`over-${i}`))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toMatchObject({ code: "batch_too_large" });
    expect(await prisma.webhookEvent.count()).toBe(0);
  });

  it("answers an empty batch with an empty list", async () => {
    const org = await makeOrganization();
    await expect(sendWebhookNotifications(org.id, [])).resolves.toEqual([]);
  });

  it("refuses a batch for an unknown or deleted organization as a whole", async () => {
    await expect(sendWebhookNotifications("org_missing", [item("a"), item("b")])).rejects.toMatchObject({ code: "organization_not_found" });
    const org = await makeOrganization();
    await prisma.organization.update({ where: { id: org.id }, data: { deletionScheduledAt: new Date() } });
    await expect(sendWebhookNotifications(org.id, [item("a")])).rejects.toMatchObject({ code: "organization_not_found" });
    expect(await prisma.webhookEvent.count()).toBe(0);
  });

  it("stamps every event of a batch with the one time it was sent", async () => {
    const org = await makeOrganization();
    const clock = makeClock();
    await sendWebhookNotifications(org.id, [item("t-1"), item("t-2")], { now: clock.now });
    const events = await prisma.webhookEvent.findMany({ select: { createdAt: true, body: true } });
    expect(events.map((event) => event.createdAt)).toEqual([clock.now(), clock.now()]);
    expect(events.map((event) => JSON.parse(event.body).timestamp)).toEqual([clock.now().toISOString(), clock.now().toISOString()]);
  });
});

describe("sendWebhookNotifications inside the caller's transaction", () => {
  it("stores nothing when the transaction rolls back, and delivers everything once it commits", async () => {
    const receiver = await harness.receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });

    await expect(
      prisma.$transaction(async (tx) => {
        await sendWebhookNotifications(org.id, [item("rb-1"), item("rb-2")], { tx });
        throw new Error("business logic failed");
      }),
    ).rejects.toThrow("business logic failed");
    expect(await prisma.webhookEvent.count()).toBe(0);
    expect(await processDueDeliveries()).toBe(0);

    const results = await prisma.$transaction((tx) => sendWebhookNotifications(org.id, [item("c-1"), item("c-1"), item("c-2", undefined, { event: "x" }), item("c-3")], { tx }));
    expect(results.map((result) => (isBatchItemError(result) ? result.error.code : result.duplicate))).toEqual([false, true, "invalid_event_type", false]);
    expect(await processDueDeliveries()).toBe(2);
    expect(receiver.requests.map((request) => JSON.parse(request.body).idempotencyKey).sort()).toEqual(["c-1", "c-3"]);
    expect(receiver.requests.map((request) => request.headers["webhook-id"]).sort()).toEqual([stored(results[0]).deliveries[0]!.id, stored(results[3]).deliveries[0]!.id].sort());
  });

  it("leases nothing to a local worker inside a transaction", async () => {
    const receiver = await harness.receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const worker = startWorker({ workerId: "batch-tx", pollIntervalMs: 600_000, listen: false, concurrency: 4 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await prisma.$transaction((tx) => sendWebhookNotifications(org.id, [item("in-tx-1"), item("in-tx-2")], { tx }));
      expect(await prisma.webhookDelivery.findMany({ select: { leaseOwner: true, status: true } })).toEqual([
        { leaseOwner: null, status: "pending" },
        { leaseOwner: null, status: "pending" },
      ]);
    } finally {
      await worker.stop();
    }
  });
});

describe("batches through a running worker", () => {
  it("delivers every event to a real receiver: some handed straight to the worker's free slots, the rest claimed", async () => {
    const receiver = await harness.receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    // No poll and no LISTEN: the hand-over, the in-process wake-up and the worker's own claims after an attempt.
    const worker = startWorker({ workerId: "batch-worker", pollIntervalMs: 600_000, listen: false, concurrency: 2 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const results = await sendWebhookNotifications(org.id, Array.from({ length: 6 }, (_, i) => item(`w-${i}`, { i })));
      await eventually(async () => (await prisma.webhookDelivery.count({ where: { status: "delivered" } })) === 6, 20_000, "six deliveries");
      expect(receiver.requests.map((request) => request.headers["webhook-id"]).sort()).toEqual(results.map((result) => stored(result).deliveries[0]!.id).sort());
      expect(worker.usage().handedOver).toBeGreaterThan(0);
      expect(worker.usage().claimed).toBeGreaterThan(0);
    } finally {
      await worker.stop();
    }
  });

  it("queues events with one ordering key in input order on an ordered endpoint", async () => {
    const receiver = await harness.receiver();
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, ordering: "ordered" });
    // Ordered deliveries are never handed over; with no poll and no LISTEN only the write's wake-up starts them.
    const worker = startWorker({ workerId: "batch-ordered", pollIntervalMs: 600_000, listen: false, concurrency: 4 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Idempotency keys sort against input order, so a numbering by key would show.
      const items = [
        item("z-a1", { key: "a", n: 1 }, { orderingKey: "a" }),
        item("y-b1", { key: "b", n: 1 }, { orderingKey: "b" }),
        item("x-a2", { key: "a", n: 2 }, { orderingKey: "a" }),
        item("w-a3", { key: "a", n: 3 }, { orderingKey: "a" }),
        item("v-b2", { key: "b", n: 2 }, { orderingKey: "b" }),
        item("u-a4", { key: "a", n: 4 }, { orderingKey: "a" }),
      ];
      const results = await sendWebhookNotifications(org.id, items);
      const queued = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id }, select: { id: true, orderingKey: true, orderSeq: true } });
      const seq = new Map(queued.map((delivery) => [delivery.id, delivery.orderSeq!]));
      const seqs = results.map((result) => seq.get(stored(result).deliveries[0]!.id)!);
      for (const key of ["a", "b"]) {
        const ofKey = seqs.filter((_, index) => items[index]!.orderingKey === key);
        expect([...ofKey].sort((x, y) => (x < y ? -1 : 1))).toEqual(ofKey);
      }
      await eventually(async () => (await prisma.webhookDelivery.count({ where: { status: "delivered" } })) === 6, 20_000, "six deliveries");
      for (const key of ["a", "b"]) {
        const arrived = receiver.requests.map((request) => JSON.parse(request.body).data).filter((data) => data.key === key);
        expect(arrived.map((data) => data.n)).toEqual(key === "a" ? [1, 2, 3, 4] : [1, 2]);
      }
    } finally {
      await worker.stop();
    }
  });
});
