import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { prisma } from "@/lib/db";
import { sendWebhookNotification } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { adminDatabaseUrl, setupTestDatabase } from "../helpers/database";
import { eventually } from "../helpers/eventually";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { orderedReceiver, orderViolations, watchParkedHeads } from "../helpers/ordered-receiver";
import { startProcessReceiver, type ProcessReceiver } from "../helpers/process-receiver";
import { startReceiver, type Receiver } from "../helpers/receiver";
import { spawnWorkerProcess } from "../helpers/worker-process";
import { busiestSecond } from "@/lib/webhooks/rate-limit";

/**
 * Ordering and rate limits hold across worker PROCESSES (the database, not memory,
 * enforces them): two `npm run worker` processes on one PostgreSQL database.
 */
const describePostgres = adminDatabaseUrl() ? describe : describe.skip;
jest.setTimeout(240_000);

setupTestDatabase();
allowLoopbackDelivery();

/** Whole seconds (the variable's format), long enough that no delivery gives up at a 25 % failure rate. */
const SHORT_SCHEDULE = ["0", ...Array.from({ length: 13 }, () => "1")].join(",");

describePostgres("two worker processes", () => {
  const children: ChildProcess[] = [];
  let receiver: Receiver | undefined;
  let limited: ProcessReceiver | undefined;
  afterAll(async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        await once(child, "exit");
      }),
    );
    await receiver?.close();
    await limited?.close();
    await closeTransport();
  });

  function startWorkerProcess(): ChildProcess {
    const child = spawnWorkerProcess({
      WEBHOOK_WORKER_CONCURRENCY: "20",
      WEBHOOK_ENDPOINT_CONCURRENCY: "20",
      WEBHOOK_RETRY_SCHEDULE: SHORT_SCHEDULE,
      WEBHOOK_TIMEOUT_MS: "5000",
    });
    children.push(child);
    return child;
  }

  it("deliver 3 keys × 40 events in order on an ordered endpoint, and start at most 10 attempts a second on a rate-limited one", async () => {
    const ordered = orderedReceiver({ failureRate: 0.25, seed: 1525 });
    receiver = await startReceiver(ordered.responder);
    limited = await startProcessReceiver([200, 200, 200, 503]);
    const org = await makeOrganization();
    const { endpoint: orderedEndpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, ordering: "ordered", eventTypes: ["order.updated"] });
    const { endpoint: limitedEndpoint } = await makeEndpoint({ organizationId: org.id, url: limited.url, rateLimitPerSecond: 10, eventTypes: ["invoice.settled"] });
    const keys = ["a", "b", "c"];
    startWorkerProcess();
    startWorkerProcess();
    // Warm up: both processes running, and each endpoint reached once, before the measured run.
    await eventually(async () => (await prisma.workerHeartbeat.count()) === 2, 60_000, "two workers", 100);
    await sendWebhookNotification(org.id, "order.updated", "warm-up", { key: "warm-up", n: 0 }, { orderingKey: "warm-up" });
    await sendWebhookNotification(org.id, "invoice.settled", "warm-up-limited", {});
    await eventually(async () => (await prisma.webhookDelivery.count({ where: { status: "delivered" } })) === 2, 60_000, "warm-up delivered", 100).catch(async (error) => {
      console.log(JSON.stringify(await prisma.webhookDelivery.findMany({ select: { status: true, attempts: true, lastError: true, leaseOwner: true, nextAttemptAt: true, orderingKey: true } })), JSON.stringify(await prisma.webhookEndpoint.findMany({ select: { signingBlockedAt: true } })));
      throw error;
    });
    const warmUpArrivals = (await limited.arrivals()).length;

    // Enqueues here and records in both processes race all through the run: no queue's head may stay parked.
    const watch = watchParkedHeads((sql) => prisma.$queryRawUnsafe(sql));
    // A backlog of both while the workers run; more ordered events arrive as they work through it.
    for (let i = 0; i < 60; i++) await sendWebhookNotification(org.id, "invoice.settled", `limited-${i}`, { i });
    for (let n = 0; n < 40; n++) {
      await Promise.all(keys.map((key) => sendWebhookNotification(org.id, "order.updated", `${key}-${n}`, { key, n }, { orderingKey: key })));
    }
    const delivered = (endpointId: string) => prisma.webhookDelivery.count({ where: { endpointId, status: "delivered" } });
    await eventually(async () => (await delivered(orderedEndpoint.id)) === 121 && (await delivered(limitedEndpoint.id)) === 61, 200_000, "every delivery delivered", 200);
    expect(await watch.stop()).toEqual([]);

    expect(orderViolations(ordered.arrivals.filter((arrival) => arrival.key !== "warm-up"), keys, 40)).toEqual([]);
    expect(ordered.peaks.perKey).toBe(1);
    expect(ordered.peaks.overall).toBeGreaterThan(1);
    expect(ordered.arrivals.filter((arrival) => arrival.status === 500).length).toBeGreaterThan(10);
    // Both processes ran against the database throughout.
    expect(await prisma.workerHeartbeat.count()).toBe(2);

    // What the limiter governs: when attempts start, as recorded in the delivery history.
    const starts = (await prisma.webhookAttempt.findMany({ where: { endpointId: limitedEndpoint.id }, select: { startedAt: true } })).map((attempt) => attempt.startedAt.getTime());
    expect(busiestSecond(starts)).toBeLessThanOrEqual(10);

    const arrivals = (await limited.arrivals()).slice(warmUpArrivals).sort((a, b) => a - b);
    // At the receiver, arrivals add the network's and the sending process's delays to those
    // starts (the 5 % spacing margin absorbs 50 ms of it; a busy machine can add more), so here
    // the pace is checked: the limit was used, and never beaten over the run.
    const busiest = busiestSecond(arrivals);
    expect(arrivals.length).toBeGreaterThan(60);
    expect(busiest).toBeGreaterThanOrEqual(9);
    expect(arrivals[arrivals.length - 1]! - arrivals[0]!).toBeGreaterThanOrEqual(((arrivals.length - 1) * 1000) / 10);
    console.log(
      `two worker processes: ordered ${ordered.arrivals.length} attempts for 120 events; rate-limited ${arrivals.length} attempts, busiest second ${busiestSecond(starts)}/10 by start, ${busiest}/10 at the receiver`,
    );
  });
});
