import { prisma } from "@/lib/db";
import { attemptDelivery } from "@/lib/webhooks/attempt";
import { claimDueDeliveries } from "@/lib/webhooks/worker";
import { redeliver, sendTestEvent } from "@/lib/webhooks/manual";
import { busiestSecond, LATE_START_TOLERANCE_MS, RATE_HORIZON_MS, spacingMicros, takeRateSlot } from "@/lib/webhooks/rate-limit";
import { sendWebhookNotification, startWorker, updateEndpoint } from "@/lib/webhooks";
import { telemetry } from "@/lib/webhooks/telemetry";
import { setupEngineTest } from "../helpers/engine";
import { eventually } from "../helpers/eventually";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { startProcessReceiver } from "../helpers/process-receiver";
import { respondWith } from "../helpers/receiver";

/**
 * An endpoint's rate limit (lib/webhooks/rate-limit.ts), on the database under test:
 * across workers and triggers, at most `rateLimitPerSecond` attempts start in any
 * one-second window, and waiting for a start never uses up an attempt.
 */
const harness = setupEngineTest();

describe("endpoint rate limit", () => {
  it("keeps two workers, a backlog, retries and test sends within 5 per second", async () => {
    // Every fifth request fails once: retries count against the limit too.
    const receiver = await startProcessReceiver([200, 200, 200, 200, 500]);
    try {
      const org = await makeOrganization();
      const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, rateLimitPerSecond: 5 });
      for (let i = 0; i < 20; i++) await sendWebhookNotification(org.id, "invoice.settled", `rate-${i}`, { i });
      const workers = ["rate-a", "rate-b"].map((workerId) =>
        startWorker({ workerId, concurrency: 10, endpointConcurrency: 10, pollIntervalMs: 20, schedule: [0, 0.2, 0.2, 0.2, 0.2] }),
      );
      try {
        // Test sends by a person while the backlog drains: they wait for a start like any attempt.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const tests = await Promise.all([1, 2, 3].map(() => sendTestEvent({ organizationId: org.id, endpointId: endpoint.id })));
        expect(tests.every((test) => test.status === "delivered" || test.status === "failed")).toBe(true);
        await eventually(async () => (await prisma.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "delivered" } })) >= 20, 60_000);
      } finally {
        await Promise.all(workers.map((worker) => worker.stop()));
      }
      const attempts = await prisma.webhookAttempt.findMany({ where: { endpointId: endpoint.id }, select: { startedAt: true, trigger: true } });
      const arrivals = await receiver.arrivals();
      // 20 deliveries and 3 test sends, and the retries of the failed ones.
      expect(attempts.length).toBeGreaterThan(23);
      expect(arrivals).toHaveLength(attempts.length);
      expect(attempts.some((attempt) => attempt.trigger === "test")).toBe(true);
      // What the limiter governs: when attempts start, as recorded in the history.
      expect(busiestSecond(attempts.map((attempt) => attempt.startedAt.getTime()))).toBeLessThanOrEqual(5);
      // At the receiver the network and this busy process add their delays (the spacing's 5 %
      // margin absorbs 50 ms): the limit set the pace, and the run was never faster than it.
      expect(busiestSecond(arrivals)).toBeGreaterThanOrEqual(4);
      const sorted = [...arrivals].sort((a, b) => a - b);
      expect(sorted[sorted.length - 1]! - sorted[0]!).toBeGreaterThanOrEqual(((sorted.length - 1) * 1000) / 5);
    } finally {
      await receiver.close();
    }
  });

  it("waiting for a start uses up no attempt and sends nothing", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, rateLimitPerSecond: 2 });
    const sent = await sendWebhookNotification(org.id, "invoice.settled", "wait", {});
    const [lease] = await claimDueDeliveries(5, { workerId: "w" });
    expect(lease?.id).toBe(sent.deliveries[0]!.id);
    // Another worker took every start for the next 5 s meanwhile.
    const busyUntil = new Date(Date.now() + 5_000);
    await prisma.webhookRateLimit.upsert({ where: { endpointId: endpoint.id }, create: { endpointId: endpoint.id, nextStartAt: busyUntil }, update: { nextStartAt: busyUntil } });
    const requeued = async () => (await telemetry().rateLimited.get()).values.find((value) => value.labels.result === "requeued")?.value ?? 0;
    const before = await requeued();
    const result = await attemptDelivery(lease!);
    expect(result).toEqual({ kind: "rate_limited", until: expect.any(Date) });
    // Counted for ops (webhook_rate_limited_total{result="requeued"}).
    expect(await requeued()).toBe(before + 1);
    const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: lease!.id } });
    expect(row).toMatchObject({ status: "pending", attempts: 0, leaseOwner: null, leaseExpiresAt: null });
    // Due again when a start comes within the horizon.
    expect(Math.abs(row.nextAttemptAt!.getTime() - (busyUntil.getTime() - RATE_HORIZON_MS))).toBeLessThan(5);
    expect(receiver.requests).toHaveLength(0);
    // The claim leaves it alone while no start is free.
    await prisma.webhookDelivery.update({ where: { id: lease!.id }, data: { nextAttemptAt: new Date() } });
    expect(await claimDueDeliveries(5, { workerId: "w" })).toHaveLength(0);
  });

  it("leases no more of an endpoint's deliveries than it has starts within the horizon", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, rateLimitPerSecond: 2 });
    for (let i = 0; i < 10; i++) await sendWebhookNotification(org.id, "invoice.settled", `cap-${i}`, {});
    // 2 per second, 1.05 s / 2 = 525 ms apart: starts at now and now + 525 ms fall within the next second.
    expect(await claimDueDeliveries(10, { workerId: "w", endpointConcurrency: 10 })).toHaveLength(2);
  });

  it("a 429 with Retry-After still sets the next attempt", async () => {
    const receiver = await harness.receiver(respondWith(429, { "retry-after": "120" }));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, rateLimitPerSecond: 10 });
    await sendWebhookNotification(org.id, "invoice.settled", "slow-down", {});
    const [lease] = await claimDueDeliveries(1, { workerId: "w" });
    const before = Date.now();
    await attemptDelivery(lease!);
    const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: lease!.id } });
    expect(row.attempts).toBe(1);
    expect(row.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 120_000);
  });

  it("a redelivery by hand waits for its start; removing the limit frees the endpoint at once", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, rateLimitPerSecond: 1 });
    const sent = await sendWebhookNotification(org.id, "invoice.settled", "by-hand", {});
    const first = await redeliver({ organizationId: org.id, deliveryId: sent.deliveries[0]!.id });
    const startedAt = Date.now();
    const second = await redeliver({ organizationId: org.id, deliveryId: sent.deliveries[0]!.id });
    expect([first.status, second.status]).toEqual(["delivered", "delivered"]);
    // 1 per second: the second start is 1.05 s after the first.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_050 - LATE_START_TOLERANCE_MS - 100);
    expect(await prisma.webhookRateLimit.count({ where: { endpointId: endpoint.id } })).toBe(1);
    await updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, rateLimitPerSecond: null });
    expect(await prisma.webhookRateLimit.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });

  it("a manual attempt refuses to wait longer than it may, and its delivery keeps its schedule", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, rateLimitPerSecond: 1 });
    const sent = await sendWebhookNotification(org.id, "invoice.settled", "too-long", {});
    const far = new Date(Date.now() + 60_000);
    await prisma.webhookRateLimit.create({ data: { endpointId: endpoint.id, nextStartAt: far } });
    await expect(redeliver({ organizationId: org.id, deliveryId: sent.deliveries[0]!.id })).rejects.toMatchObject({ code: "endpoint_rate_limited" });
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: sent.deliveries[0]!.id } })).toMatchObject({ leaseOwner: null, manualAttempts: 0 });
    await expect(sendTestEvent({ organizationId: org.id, endpointId: endpoint.id })).rejects.toMatchObject({ code: "endpoint_rate_limited" });
    // The unsent test delivery is cancelled, not left for a worker.
    expect(await prisma.webhookDelivery.count({ where: { endpointId: endpoint.id, status: "cancelled" } })).toBe(1);
    expect(receiver.requests).toHaveLength(0);
  });

  it("takes starts spaced 1.05 s ÷ rate apart, never two alike, under concurrent takers", async () => {
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://example.com/hook", rateLimitPerSecond: 50 });
    const starts: number[] = [];
    let refused = 0;
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        // No sleeping: each taker gets its start at once and records it.
        const slot = await takeRateSlot(prisma, { endpointId: endpoint.id, perSecond: 50, now: () => new Date(), mode: "queue", sleep: async () => {} });
        if (slot.kind === "go") starts.push(slot.startAt.getTime());
        else refused++;
      }),
    );
    expect(spacingMicros(50)).toBe(21_000);
    starts.sort((a, b) => a - b);
    const gaps = starts.slice(1).map((start, i) => start - starts[i]!);
    // 21 ms apart (a start never shared), and none taken beyond the 1 s horizon: ~48 go, the rest are refused.
    expect(gaps.every((gap) => gap >= 21)).toBe(true);
    expect(starts[starts.length - 1]! - starts[0]!).toBeLessThanOrEqual(RATE_HORIZON_MS + 21 + 200);
    expect(refused).toBeGreaterThan(0);
    expect(starts.length + refused).toBe(60);
  });
});
