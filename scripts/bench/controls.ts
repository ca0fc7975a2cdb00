/**
 * `npm run bench:controls` (and part of `npm run bench`): the delivery controls
 * on PostgreSQL with two worker processes (lib/webhooks/ordering.ts, rate-limit.ts).
 *
 * 1. **Ordered ÷ unordered**: the same backlog — `--keys` keys (default 100) ×
 *    `--per-key` events (default 30) to a receiver answering after 20 ms — delivered
 *    once by an endpoint with `ordering: "ordered"` and once by one without; the
 *    ordered run is checked (per key, strictly in enqueue order, one at a time).
 * 2. **Rate limit**: `--rate-n` deliveries (default 500) to an endpoint limited to
 *    `--rate` per second (default 50), retries included (the receiver fails one
 *    request in ten); the busiest one-second window of attempt starts (the history)
 *    and of arrivals at the receiver, and the rate reached.
 * 3. **A deep queue**: the claim's time with 10 000 and 50 000 deliveries waiting
 *    behind one key's head in flight (written straight into the table, as the
 *    enqueue leaves them: parked behind the head).
 *
 * Needs DATABASE_URL (a server: a scratch database is created and dropped).
 * Writes bench-results/controls.json.
 */
import { randomBytes } from "node:crypto";
import { runPostgresBenchCli } from "./cli";
import { scratchPostgres } from "./scratch-database";
import { type ReceivedRequest, spawnWorker, startReceiver, stopWorker, waitFor } from "./processes";


export interface ControlsBenchOptions {
  databaseUrl: string;
  keys?: number;
  perKey?: number;
  rate?: number;
  rateDeliveries?: number;
  /** Worker processes, and slots in each. */
  processes?: number;
  slots?: number;
  log?: (line: string) => void;
}

export interface ControlsBenchResult {
  ordering: {
    keys: number;
    perKey: number;
    receiverLatencyMs: number;
    unorderedPerSecond: number;
    orderedPerSecond: number;
    orderedToUnordered: number;
    /** Per-key order violations found at the receiver (0 when ordered). */
    orderViolations: number;
    /** The most requests of one key the receiver had in flight at once. */
    maxInFlightPerKey: number;
  };
  rateLimit: {
    limitPerSecond: number;
    deliveries: number;
    attempts: number;
    /** The most attempt starts (as recorded) in any one-second window. */
    busiestSecondByStart: number;
    /** The most arrivals at the receiver in any one-second window. */
    busiestSecondAtReceiver: number;
    /**
     * Attempts per second over the first 90 % of starts (the last retries wait for their own
     * schedule), and that ÷ the limit: starts are spaced 1.05 s ÷ limit, so 0.95 at most.
     */
    achievedPerSecond: number;
    achievedToLimit: number;
  };
  /** Median claim time (ms) with this many deliveries queued behind one key's head. */
  deepQueueClaimMs: Record<string, number>;
}

/** Per key, arrivals must go 0, 1, 2, … (first arrivals; the receiver never fails in the ordered run). */
function orderCheck(log: readonly ReceivedRequest[], receiverLatencyMs: number): { violations: number; maxInFlightPerKey: number } {
  const next = new Map<string, number>();
  let violations = 0;
  const byKey = new Map<string, number[]>();
  for (const request of log) {
    if (request.key === undefined || request.n === undefined) continue;
    if ((next.get(request.key) ?? 0) !== request.n) violations++;
    next.set(request.key, request.n + 1);
    byKey.set(request.key, [...(byKey.get(request.key) ?? []), request.at]);
  }
  // One at a time: each key's next arrival comes after the previous one was answered.
  let maxInFlightPerKey = 1;
  for (const times of byKey.values()) {
    for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! < receiverLatencyMs - 1) maxInFlightPerKey = 2;
  }
  return { violations, maxInFlightPerKey };
}

export async function runControlsBench(options: ControlsBenchOptions): Promise<ControlsBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const keys = options.keys ?? 100;
  const perKey = options.perKey ?? 30;
  const processes = options.processes ?? 2;
  const slots = String(options.slots ?? 20);
  const receiverLatencyMs = 20;
  process.env.WEBHOOK_ENCRYPTION_KEYS ??= `bench:${randomBytes(32).toString("base64")}`;
  const scratch = await scratchPostgres(options.databaseUrl, "webhooks_bench_controls");
  process.env.DATABASE_URL = scratch.url;
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "true";
  process.env.LOG_LEVEL = "warn";
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  const { getDatabase, closeDatabase, prisma } = await import("@/lib/db");
  const { createEndpoint, sendWebhookNotification } = await import("@/lib/webhooks");
  const { newId } = await import("@/lib/ids");
  const { busiestSecond } = await import("@/lib/webhooks/rate-limit");
  await getDatabase().migrate();

  /** Enqueues `events` held back, starts the workers, releases the backlog at once and times its delivery. */
  async function drain(label: string, endpointOptions: { ordering?: "none" | "ordered"; rateLimitPerSecond?: number }, receiver: { url: string }, events: { key: string; n: number }[], workerEnv: Record<string, string> = {}) {
    const orgId = newId("org");
    await prisma.organization.create({ data: { id: orgId, name: label, slug: `${label}-${orgId.slice(-6)}` } });
    const { endpoint } = await createEndpoint({ organizationId: orgId, url: receiver.url, ...endpointOptions });
    for (let i = 0; i < events.length; i += 100) {
      await Promise.all(
        events.slice(i, i + 100).map((event, j) => sendWebhookNotification(orgId, "bench.controls", `${label}-${i + j}`, event, { orderingKey: event.key })),
      );
    }
    await prisma.$executeRawUnsafe(`UPDATE "WebhookDelivery" SET "nextAttemptAt" = $2::timestamp(3) WHERE "organizationId" = $1`, orgId, new Date(Date.now() + 86_400_000).toISOString());
    const spawnedAt = new Date();
    const workers = Array.from({ length: processes }, () => spawnWorker(scratch.url, { slots, env: { WEBHOOK_ENDPOINT_CONCURRENCY: String(Number(slots) * processes), ...workerEnv } }));
    await waitFor(async () => (await prisma.workerHeartbeat.count({ where: { startedAt: { gte: new Date(spawnedAt.getTime() - 1_000) } } })) >= processes, 120_000, "worker start-up");
    await prisma.$executeRawUnsafe(`UPDATE "WebhookDelivery" SET "nextAttemptAt" = $2::timestamp(3) WHERE "organizationId" = $1`, orgId, new Date().toISOString());
    await prisma.$executeRawUnsafe(`SELECT pg_notify('webhook_deliveries', '')`);
    const started = performance.now();
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { organizationId: orgId, status: "delivered" } })) >= events.length, 900_000, label, 100);
    const ms = performance.now() - started;
    await Promise.all(workers.map((worker) => stopWorker(worker)));
    return { endpointId: endpoint.id, ms };
  }

  // 1. Ordered ÷ unordered over the same keys.
  const events = Array.from({ length: keys * perKey }, (_, i) => ({ key: `key-${i % keys}`, n: Math.floor(i / keys) }));
  const unorderedReceiver = await startReceiver(receiverLatencyMs, { keepArrivals: false });
  const unordered = await drain("unordered", {}, unorderedReceiver, events);
  unorderedReceiver.stop();
  const orderedReceiver = await startReceiver(receiverLatencyMs, { keepArrivals: false, log: true });
  const ordered = await drain("ordered", { ordering: "ordered" }, orderedReceiver, events);
  const check = orderCheck(await orderedReceiver.log(), receiverLatencyMs);
  orderedReceiver.stop();
  const unorderedPerSecond = Math.round((events.length / unordered.ms) * 1000);
  const orderedPerSecond = Math.round((events.length / ordered.ms) * 1000);
  const ordering = {
    keys,
    perKey,
    receiverLatencyMs,
    unorderedPerSecond,
    orderedPerSecond,
    orderedToUnordered: Math.round((orderedPerSecond / unorderedPerSecond) * 100) / 100,
    orderViolations: check.violations,
    maxInFlightPerKey: check.maxInFlightPerKey,
  };
  log(`ordering: ${keys} keys × ${perKey}: unordered ${unorderedPerSecond}/s, ordered ${orderedPerSecond}/s = ${ordering.orderedToUnordered}x; ${check.violations} order violations`);

  // 2. A rate-limited endpoint, retries included.
  const rate = options.rate ?? 50;
  const rateDeliveries = options.rateDeliveries ?? 500;
  // The receiver fails every tenth request: the retries share the limit.
  const limitedReceiver = await startReceiver(0, { keepArrivals: false, log: true, failEvery: 10 });
  const limited = await drain(
    "limited",
    { rateLimitPerSecond: rate },
    limitedReceiver,
    Array.from({ length: rateDeliveries }, (_, i) => ({ key: `r-${i}`, n: i })),
    { WEBHOOK_RETRY_SCHEDULE: "0,1,1,1,1" },
  );
  const arrivals = (await limitedReceiver.log()).map((request) => request.at);
  limitedReceiver.stop();
  const starts = (await prisma.webhookAttempt.findMany({ where: { endpointId: limited.endpointId }, select: { startedAt: true } })).map((attempt) => attempt.startedAt.getTime());
  // The steady pace: the first 90 % of starts (the last retries wait for their own schedule).
  const sorted = [...starts].sort((a, b) => a - b);
  const steady = Math.floor(sorted.length * 0.9);
  const achievedPerSecond = Math.round((steady / (sorted[steady]! - sorted[0]!)) * 1000 * 10) / 10;
  const rateLimit = {
    limitPerSecond: rate,
    deliveries: rateDeliveries,
    attempts: starts.length,
    busiestSecondByStart: busiestSecond(starts),
    busiestSecondAtReceiver: busiestSecond(arrivals),
    achievedPerSecond,
    achievedToLimit: Math.round((achievedPerSecond / rate) * 100) / 100,
  };
  log(`rate limit ${rate}/s: ${starts.length} attempts, busiest second ${rateLimit.busiestSecondByStart} by start, ${rateLimit.busiestSecondAtReceiver} at the receiver; ${achievedPerSecond}/s = ${rateLimit.achievedToLimit}x the limit`);

  // 3. The claim with a deep queue behind one key (its head leased, the rest parked as the enqueue leaves them).
  const { claimLeases } = await import("@/lib/webhooks/claim");
  const deepQueueClaimMs: Record<string, number> = {};
  for (const depth of [10_000, 50_000]) {
    const orgId = newId("org");
    await prisma.organization.create({ data: { id: orgId, name: "deep", slug: `deep-${orgId.slice(-6)}` } });
    const { endpoint } = await createEndpoint({ organizationId: orgId, url: "https://example.com/deep", ordering: "ordered" });
    await prisma.$executeRawUnsafe(
      `INSERT INTO "WebhookEvent" ("id", "organizationId", "eventType", "idempotencyKey", "body", "createdAt")
       SELECT $1 || g, $2, 'bench.deep', 'deep-' || g, '{}', now() FROM generate_series(1, ${depth}) g`,
      `evt_${orgId}_`,
      orgId,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO "WebhookDelivery" ("id", "organizationId", "eventId", "endpointId", "event", "idempotencyKey", "nextAttemptAt", "createdAt", "updatedAt",
                                      "orderingKey", "orderSeq", "leaseOwner", "leaseExpiresAt")
       SELECT $1 || g, $2, $3 || g, $4, 'bench.deep', 'deep-' || g, CASE WHEN g = 1 THEN now() END, now(), now(),
              'one-key', nextval('"WebhookDelivery_orderSeq_seq"'), CASE WHEN g = 1 THEN 'elsewhere' END, CASE WHEN g = 1 THEN now() + interval '1 hour' END
         FROM generate_series(1, ${depth}) g`,
      `msg_${orgId}_`,
      orgId,
      `evt_${orgId}_`,
      endpoint.id,
    );
    await prisma.$executeRawUnsafe(`ANALYZE "WebhookDelivery"`);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const leased = await claimLeases(prisma, { limit: 20, now: new Date(), workerId: "bench", leaseSeconds: 60, endpointConcurrency: 100, organizationConcurrency: 0 });
      times.push(performance.now() - started);
      if (leased.length > 0) throw new Error("the deep queue's head is leased elsewhere: nothing may be claimed");
    }
    deepQueueClaimMs[String(depth)] = Math.round(times.sort((a, b) => a - b)[3]! * 10) / 10;
    await prisma.organization.delete({ where: { id: orgId } });
  }
  log(`deep queue behind one key: claim ${JSON.stringify(deepQueueClaimMs)} ms (median of 7)`);

  await closeDatabase();
  await scratch.drop();
  return { ordering, rateLimit, deepQueueClaimMs };
}

if (require.main === module) {
  runPostgresBenchCli("controls", "controls.json", (databaseUrl, flag) =>
    runControlsBench({ databaseUrl, keys: flag("--keys"), perKey: flag("--per-key"), rate: flag("--rate"), rateDeliveries: flag("--rate-n") }),
  );
}
