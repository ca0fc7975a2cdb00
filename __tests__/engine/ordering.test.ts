import { prisma } from "@/lib/db";
import { getDeliveryDetail } from "@/lib/webhooks/history";
import { redeliver } from "@/lib/webhooks/manual";
import { processDueDeliveries, sendWebhookNotification, startWorker, updateEndpoint, WebhookError } from "@/lib/webhooks";
import { setupEngineTest } from "../helpers/engine";
import { eventually } from "../helpers/eventually";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { orderedReceiver, orderViolations, watchParkedHeads } from "../helpers/ordered-receiver";
import { repairParkedHeads } from "@/lib/webhooks/ordering";
import { respondWith } from "../helpers/receiver";

/**
 * Ordered delivery by key (lib/webhooks/ordering.ts), on the database under test:
 * per key strictly in enqueue order and one at a time, across workers, with a
 * failing head blocking only its own key.
 */
const harness = setupEngineTest();

/** Short retries (seconds) with room to spare: a delivery never gives up at a 25 % failure rate. */
const SHORT_SCHEDULE = Array.from({ length: 14 }, (_, i) => (i === 0 ? 0 : 0.05));

const data = (key: string, n: number) => ({ key, n });

describe("ordered delivery by key", () => {
  it("delivers 3 keys × 40 events in order through two workers while the receiver fails a quarter of the attempts", async () => {
    const { responder, arrivals, peaks } = orderedReceiver({ failureRate: 0.25, seed: 20261202 });
    const receiver = await harness.receiver(responder);
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, ordering: "ordered" });
    const keys = ["customer-a", "customer-b", "customer-c"];
    const workers = [
      startWorker({ workerId: "worker-1", concurrency: 6, endpointConcurrency: 10, pollIntervalMs: 20, schedule: SHORT_SCHEDULE }),
      startWorker({ workerId: "worker-2", concurrency: 6, endpointConcurrency: 10, pollIntervalMs: 20, schedule: SHORT_SCHEDULE }),
    ];
    // Enqueues and records race all through this run: no queue's head may stay parked.
    const watch = watchParkedHeads((sql) => prisma.$queryRawUnsafe(sql));
    let stuck: string[] = [];
    try {
      // Enqueued while the workers run, each key's events one after another, the keys interleaved.
      for (let n = 0; n < 40; n++) {
        await Promise.all(keys.map((key) => sendWebhookNotification(org.id, "order.updated", `${key}-${n}`, data(key, n), { orderingKey: key })));
      }
      await eventually(async () => (await prisma.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "delivered" } })) === 120, 120_000);
    } finally {
      stuck = await watch.stop();
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    expect(stuck).toEqual([]);
    expect(orderViolations(arrivals, keys, 40)).toEqual([]);
    expect(peaks.perKey).toBe(1);
    // The keys went on in parallel, and failures really happened.
    expect(peaks.overall).toBeGreaterThan(1);
    expect(arrivals.filter((arrival) => arrival.status === 500).length).toBeGreaterThan(10);
    // Both workers took part.
    const owners = await prisma.webhookAttempt.count({ where: { endpointId: endpoint.id } });
    expect(owners).toBe(arrivals.length);
  });

  it("parks what waits behind a head, out of the claim's way, and releases the next head when one finishes", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, ordering: "ordered" });
    // One call at a time, and five at once (one statement): parked alike.
    await sendWebhookNotification(org.id, "order.updated", "p-0", data("p", 0), { orderingKey: "p" });
    await Promise.all([1, 2, 3, 4, 5].map((n) => sendWebhookNotification(org.id, "order.updated", `p-${n}`, data("p", n), { orderingKey: "p" })));
    const due = async () =>
      (await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id, status: "pending" }, orderBy: { orderSeq: "asc" }, select: { idempotencyKey: true, nextAttemptAt: true } })).map(
        (row) => [row.idempotencyKey, row.nextAttemptAt !== null],
      );
    expect((await due())[0]).toEqual(["p-0", true]);
    expect((await due()).slice(1).every(([, hasDueTime]) => !hasDueTime)).toBe(true);
    await processDueDeliveries();
    expect((await due())[0]).toEqual([expect.any(String), true]);
    expect((await due()).slice(1).every(([, hasDueTime]) => !hasDueTime)).toBe(true);
    for (let round = 0; round < 5; round++) await processDueDeliveries();
    // Concurrent sends have no order of their own: they go in the order they were enqueued.
    const enqueued = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id }, orderBy: { orderSeq: "asc" }, select: { idempotencyKey: true } });
    expect(receiver.requests.map((request) => `p-${(JSON.parse(request.body) as { data: { n: number } }).data.n}`)).toEqual(enqueued.map((row) => row.idempotencyKey));
    expect(enqueued[0]!.idempotencyKey).toBe("p-0");
  });

  it("the workers' sweep releases a head left parked", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, ordering: "ordered" });
    const head = await sendWebhookNotification(org.id, "order.updated", "s-0", data("s", 0), { orderingKey: "s" });
    await sendWebhookNotification(org.id, "order.updated", "s-1", data("s", 1), { orderingKey: "s" });
    await prisma.webhookDelivery.update({ where: { id: head.deliveries[0]!.id }, data: { nextAttemptAt: null } });
    expect(await processDueDeliveries()).toBe(0);
    expect(await repairParkedHeads(prisma, new Date())).toBe(1);
    expect(await repairParkedHeads(prisma, new Date())).toBe(0);
    expect(await processDueDeliveries()).toBe(1);
    expect(await processDueDeliveries()).toBe(1);
  });

  it("a failing head holds back its own key only", async () => {
    let failKeyA = true;
    const receiver = await harness.receiver((request, _index, res) => {
      const { data: payload } = JSON.parse(request.body) as { data: { key: string } };
      res.writeHead(failKeyA && payload.key === "a" ? 503 : 200);
      res.end();
    });
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, ordering: "ordered" });
    for (let n = 0; n < 3; n++) {
      await sendWebhookNotification(org.id, "order.updated", `a-${n}`, data("a", n), { orderingKey: "a" });
      await sendWebhookNotification(org.id, "order.updated", `b-${n}`, data("b", n), { orderingKey: "b" });
    }
    const schedule = [0, 0, 0, 0, 0, 0];
    for (let round = 0; round < 4; round++) await processDueDeliveries({ schedule, endpointConcurrency: 10 });
    const seen = receiver.requests.map((request) => (JSON.parse(request.body) as { data: { key: string; n: number } }).data);
    // b went through in order; a only ever tried its head.
    expect(seen.filter((item) => item.key === "b").map((item) => item.n)).toEqual([0, 1, 2]);
    expect(new Set(seen.filter((item) => item.key === "a").map((item) => item.n))).toEqual(new Set([0]));

    failKeyA = false;
    for (let round = 0; round < 4; round++) await processDueDeliveries({ schedule, endpointConcurrency: 10 });
    const after = receiver.requests.map((request) => (JSON.parse(request.body) as { data: { key: string; n: number } }).data).filter((item) => item.key === "a");
    expect(after.map((item) => item.n).filter((n, i, all) => all.indexOf(n) === i)).toEqual([0, 1, 2]);
    expect(await prisma.webhookDelivery.count({ where: { status: "delivered" } })).toBe(6);
  });

  it("a head that gives up (or is cancelled) lets the next go", async () => {
    const receiver = await harness.receiver((request, _index, res) => {
      const { data: payload } = JSON.parse(request.body) as { data: { n: number } };
      res.writeHead(payload.n === 0 ? 400 : 200); // 400: not retried, the delivery gives up
      res.end();
    });
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, ordering: "ordered" });
    for (let n = 0; n < 3; n++) await sendWebhookNotification(org.id, "order.updated", `k-${n}`, data("k", n), { orderingKey: "k" });
    // One at a time: each round may attempt only the key's head.
    for (let round = 1; round <= 3; round++) {
      expect(await processDueDeliveries()).toBe(1);
      expect(receiver.requests).toHaveLength(round);
    }
    const order = receiver.requests.map((request) => (JSON.parse(request.body) as { data: { n: number } }).data.n);
    expect(order).toEqual([0, 1, 2]);
    expect(await prisma.webhookDelivery.count({ where: { status: "failed" } })).toBe(1);
  });

  it("events without a key form one queue of their own; an unordered endpoint ignores keys", async () => {
    const holdAll = await harness.receiver(respondWith(503));
    const org = await makeOrganization();
    const { endpoint: ordered } = await makeEndpoint({ organizationId: org.id, url: holdAll.url, ordering: "ordered" });
    const { endpoint: plain } = await makeEndpoint({ organizationId: org.id, url: holdAll.url });
    for (let n = 0; n < 3; n++) await sendWebhookNotification(org.id, "order.updated", `none-${n}`, { n });
    await sendWebhookNotification(org.id, "order.updated", "keyed", { n: 9 }, { orderingKey: "k" });
    await processDueDeliveries({ schedule: [0, 3600] });
    const attempted = await prisma.webhookDelivery.findMany({ where: { attempts: 1 }, select: { endpointId: true, idempotencyKey: true, orderingKey: true } });
    // Ordered: the keyless queue's head and the keyed one. Plain: all four, with no queue.
    expect(attempted.filter((row) => row.endpointId === ordered.id).map((row) => row.idempotencyKey).sort()).toEqual(["keyed", "none-0"]);
    expect(attempted.filter((row) => row.endpointId === plain.id)).toHaveLength(4);
    expect(attempted.filter((row) => row.endpointId === plain.id).every((row) => row.orderingKey === null)).toBe(true);
    const keyless = await prisma.webhookDelivery.findMany({ where: { endpointId: ordered.id, idempotencyKey: { startsWith: "none-" } }, orderBy: { orderSeq: "asc" } });
    expect(keyless.map((row) => [row.idempotencyKey, row.orderingKey])).toEqual([
      ["none-0", ""],
      ["none-1", ""],
      ["none-2", ""],
    ]);
    // The event keeps the producer's key either way.
    expect((await prisma.webhookEvent.findFirst({ where: { idempotencyKey: "keyed" } }))?.orderingKey).toBe("k");
  });

  it("shows where a waiting delivery stands, and a redelivery by hand says it went outside the order", async () => {
    const receiver = await harness.receiver(respondWith(503));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, ordering: "ordered" });
    const first = await sendWebhookNotification(org.id, "order.updated", "q-0", data("q", 0), { orderingKey: "q" });
    await sendWebhookNotification(org.id, "order.updated", "q-1", data("q", 1), { orderingKey: "q" });
    const third = await sendWebhookNotification(org.id, "order.updated", "q-2", data("q", 2), { orderingKey: "q" });
    const detail = await getDeliveryDetail({ organizationId: org.id, deliveryId: third.deliveries[0]!.id });
    expect(detail.ordering).toEqual({ key: "q", ahead: 2, waitingFor: first.deliveries[0]!.id });

    receiver.setResponder(respondWith(200));
    const result = await redeliver({ organizationId: org.id, deliveryId: third.deliveries[0]!.id });
    expect(result.status).toBe("delivered");
    expect(result.outsideOrder).toEqual({ orderingKey: "q", note: expect.stringMatching(/outside this endpoint's order/) });
    // The head is still first for the workers.
    await processDueDeliveries();
    expect((JSON.parse(receiver.requests[1]!.body) as { data: { n: number } }).data.n).toBe(0);
  });

  it("turning ordering on queues the backlog in enqueue order; turning it off lets it go in parallel", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    for (let n = 0; n < 3; n++) await sendWebhookNotification(org.id, "order.updated", `t-${n}`, data("t", n), { orderingKey: "t" });
    await sendWebhookNotification(org.id, "order.updated", "t-none", { n: 3 });
    await updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, ordering: "ordered" });
    const queued = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id }, orderBy: { orderSeq: "asc" } });
    expect(queued.map((row) => [row.idempotencyKey, row.orderingKey])).toEqual([
      ["t-0", "t"],
      ["t-1", "t"],
      ["t-2", "t"],
      ["t-none", ""],
    ]);
    await updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, ordering: "none" });
    expect(await prisma.webhookDelivery.count({ where: { endpointId: endpoint.id, orderingKey: { not: null } } })).toBe(0);
    expect(await processDueDeliveries()).toBe(4);
  });

  it("refuses an ordering key that is empty, too long or holds control characters", async () => {
    const org = await makeOrganization();
    for (const orderingKey of ["", "x".repeat(256), "a\u0000b", "line\nbreak"]) {
      await expect(sendWebhookNotification(org.id, "order.updated", `bad-${orderingKey.length}`, {}, { orderingKey })).rejects.toMatchObject({
        code: "invalid_ordering_key",
      });
    }
    await expect(sendWebhookNotification(org.id, "order.updated", "bad-type", {}, { orderingKey: 7 as unknown as string })).rejects.toBeInstanceOf(WebhookError);
    expect(await prisma.webhookEvent.count()).toBe(0);
    await expect(sendWebhookNotification(org.id, "order.updated", "max", {}, { orderingKey: "k".repeat(255) })).resolves.toMatchObject({ duplicate: false });
  });
});
