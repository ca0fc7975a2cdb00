import { prisma } from "@/lib/db";
import { sendWebhookNotification, startWorker } from "@/lib/webhooks";
import { setupEngineTest } from "../helpers/engine";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondWith } from "../helpers/receiver";
import { eventually } from "../helpers/eventually";

const { receiver } = setupEngineTest();

describe("the worker", () => {
  it("picks up a new event at once, without waiting for a poll", async () => {
    const target = await receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: target.url });
    // A poll interval far longer than the test: only the wake-up can deliver in time.
    const worker = startWorker({ pollIntervalMs: 60_000, concurrency: 4 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // let it go idle
      await sendWebhookNotification(org.id, "invoice.settled", "wake-up", {});
      await eventually(() => target.requests.length === 1, 10_000);
    } finally {
      await worker.stop();
    }
  });

  it("hears events committed in the caller's transaction through NOTIFY (no in-process signal)", async () => {
    const target = await receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: target.url });
    const worker = startWorker({ pollIntervalMs: 60_000, concurrency: 4 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // LISTEN is up and the worker is idle
      await prisma.$transaction((tx) => sendWebhookNotification(org.id, "invoice.settled", "via-notify", {}, { tx }));
      await eventually(() => target.requests.length === 1, 10_000);
    } finally {
      await worker.stop();
    }
  });

  it("two workers never attempt the same delivery twice", async () => {
    const target = await receiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: target.url });
    const total = 200;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => sendWebhookNotification(org.id, "invoice.settled", `k-${i + j}`, { i: i + j })));
    }
    const workers = [
      startWorker({ workerId: "worker-a", concurrency: 8, endpointConcurrency: 100, pollIntervalMs: 50 }),
      startWorker({ workerId: "worker-b", concurrency: 8, endpointConcurrency: 100, pollIntervalMs: 50 }),
    ];
    try {
      await eventually(async () => (await prisma.webhookDelivery.count({ where: { status: "delivered" } })) === total, 60_000);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    const ids = target.requests.map((request) => request.headers["webhook-id"]);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(await prisma.webhookAttempt.count()).toBe(total);
    const perWorker = workers.map((worker) => worker.stats().attempted);
    expect(perWorker[0]! + perWorker[1]!).toBe(total);
  });

  it("keeps a slow endpoint from starving the others (per-endpoint limit)", async () => {
    let slowInFlight = 0;
    let slowPeak = 0;
    const slow = await receiver(async (_request, _index, res) => {
      slowInFlight++;
      slowPeak = Math.max(slowPeak, slowInFlight);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      slowInFlight--;
      res.writeHead(200);
      res.end();
    });
    const fast = await receiver(respondWith(200));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: slow.url, eventTypes: ["slow.event"] });
    await makeEndpoint({ organizationId: org.id, url: fast.url, eventTypes: ["fast.event"] });
    for (let i = 0; i < 20; i++) await sendWebhookNotification(org.id, "slow.event", `slow-${i}`, {});
    for (let i = 0; i < 20; i++) await sendWebhookNotification(org.id, "fast.event", `fast-${i}`, {});

    const worker = startWorker({ concurrency: 6, endpointConcurrency: 3, pollIntervalMs: 50 });
    try {
      await eventually(() => fast.requests.length === 20);
      // All fast deliveries went through while the slow endpoint held at most 3 slots.
      expect(slow.requests.length).toBeLessThan(20);
      expect(slowPeak).toBeLessThanOrEqual(3);
    } finally {
      await worker.stop();
    }
  });

  it("stops claiming on stop() and lets in-flight attempts finish and be recorded", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const target = await receiver(async (_request, _index, res) => {
      await gate;
      res.writeHead(200);
      res.end();
    });
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: target.url });
    await sendWebhookNotification(org.id, "invoice.settled", "in-flight", {});
    const worker = startWorker({ concurrency: 2, pollIntervalMs: 50 });
    await eventually(() => target.requests.length === 1);
    const stopped = worker.stop();
    await sendWebhookNotification(org.id, "invoice.settled", "after-stop", {});
    release();
    await stopped;
    expect(worker.inFlight()).toBe(0);
    const rows = await prisma.webhookDelivery.findMany({ select: { idempotencyKey: true, status: true }, orderBy: { idempotencyKey: "asc" } });
    expect(rows).toEqual([
      { idempotencyKey: "after-stop", status: "pending" },
      { idempotencyKey: "in-flight", status: "delivered" },
    ]);
  });
});
