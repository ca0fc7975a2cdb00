/**
 * `npm run bench`: measures the delivery engine against its own loopback
 * receiver (a separate process), once on the embedded database and once on
 * PostgreSQL (when DATABASE_URL names a server; a scratch database is created
 * and dropped). Prints a table, writes bench-results/bench-<mode>.json and an
 * SVG chart. Options: --only embedded|postgres, --n <deliveries>,
 * --scale-n <deliveries per worker-process run>, --scale-concurrency <slots
 * per process>, --rss <deliveries for the memory run, 0 to skip>, --scale-only
 * (only the worker-process runs), --skip-size / --size-sizes 10k,100k (the
 * size-scaling runs, scripts/bench/size.ts), --skip-http (the HTTP front door,
 * scripts/bench/http.ts), --skip-controls (ordering and rate limits,
 * scripts/bench/controls.ts), --profile-workers <folder> (CPU profiles of the
 * worker processes).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Pool } from "undici";
import { scratchPostgres } from "./scratch-database";
import { spawnWorker as spawnWorkerProcess, startReceiver, stopWorker, waitFor } from "./processes";

const root = path.resolve(__dirname, "../..");
const args = process.argv.slice(2);
const flag = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};
const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** Plain keep-alive POSTs of the same body to the same receiver: the ceiling any sender can reach here. */
async function rawCeiling(url: string, total: number, concurrency: number): Promise<number> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: concurrency });
  const body = JSON.stringify({ event: "invoice.paid", idempotencyKey: "k", timestamp: new Date().toISOString(), data: { n: 1 } });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const response = await pool.request({ path: target.pathname, method: "POST", headers: { "content-type": "application/json", "webhook-id": `raw_${next}` }, body });
        await response.body.dump();
      }
    }),
  );
  const ms = performance.now() - started;
  await pool.close();
  return perSecond(total, ms);
}


async function runMode(mode: "embedded" | "postgres", admin: string | undefined) {
  const n = Number(flag("--n") ?? (mode === "embedded" ? 2_000 : 5_000));
  const scratch = mode === "postgres" ? await scratchPostgres(admin!) : undefined;
  // The engine reads its configuration from the environment: set it before loading it.
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "true";
  process.env.LOG_LEVEL = "warn";
  if (scratch) process.env.DATABASE_URL = scratch.url;
  else {
    delete process.env.DATABASE_URL;
    process.env.DATA_DIR = "memory://";
  }
  process.env.DATABASE_POOL_SIZE = "20";
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  const { getDatabase, closeDatabase, prisma } = await import("@/lib/db");
  const { createEndpoint, sendWebhookNotification, startWorker } = await import("@/lib/webhooks");
  const { closeTransport, postWebhook } = await import("@/lib/webhooks/transport");
  const { buildWebhookHeaders } = await import("@/lib/webhooks/sign");
  const { newId } = await import("@/lib/ids");
  await getDatabase().migrate();

  const results: Record<string, unknown> = { mode, deliveries: n };
  const fast = await startReceiver(0);
  const slow = await startReceiver(50);
  try {
    const orgId = newId("org");
    await prisma.organization.create({ data: { id: orgId, name: "Bench", slug: `bench-${orgId.slice(-6)}` } });
    const fastEndpoint = await createEndpoint({ organizationId: orgId, url: fast.url, eventTypes: ["bench.fast"] });
    const slowEndpoint = await createEndpoint({ organizationId: orgId, url: slow.url, eventTypes: ["bench.slow"] });

    const enqueueMany = async (event: string, count: number, prefix: string, organizationId = orgId) => {
      const latencies: number[] = [];
      for (let i = 0; i < count; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
            const started = performance.now();
            await sendWebhookNotification(organizationId, event, `${prefix}-${i + j}`, { n: i + j });
            latencies.push(performance.now() - started);
          }),
        );
      }
      return latencies;
    };
    /** Enqueues one event for the fast receiver and resolves with the milliseconds until it arrived there. */
    const arrivalLatency = async (organizationId: string, event: string, key: string, i: number, timeoutMs: number, what: string) => {
      const started = Date.now();
      const { deliveries } = await sendWebhookNotification(organizationId, event, key, { i });
      const id = deliveries[0]!.id;
      await waitFor(async () => (await fast.stats()).arrivals[id] !== undefined, timeoutMs, what);
      return (await fast.stats()).arrivals[id]! - started;
    };
    const delivered = async (count: number) => (await prisma.webhookDelivery.count({ where: { status: "delivered" } })) >= count;
    // Waits on the in-process worker's own count of recorded attempts: polling the database would
    // itself load it (on the embedded database, the same thread), then confirms once in the database.
    const recorded = async (worker: { stats(): { attempted: number } }, attempts: number, deliveredTotal: number, what: string) => {
      await waitFor(async () => worker.stats().attempted >= attempts, 600_000, what);
      if (!(await delivered(deliveredTotal))) throw new Error(`${what}: attempts recorded but not all delivered`);
    };

    // 1. Raw ceiling.
    results.rawCeilingPerSecond = await rawCeiling(fast.url, Math.max(n, 2_000), 50);

    // 2. Enqueue alone (no worker): how fast producers can store events.
    let started = performance.now();
    const enqueueLatencies = await enqueueMany("bench.fast", n, "backlog");
    results.enqueuePerSecond = perSecond(n, performance.now() - started);
    results.enqueueLatencyMs = { p50: percentile(enqueueLatencies, 50), p99: percentile(enqueueLatencies, 99) };

    // 3. Delivering that stored backlog: claim → sign → POST → attempt recorded.
    let worker = startWorker({ concurrency: 50, endpointConcurrency: 1_000, pollIntervalMs: 100 });
    started = performance.now();
    await recorded(worker, n, n, "backlog deliveries");
    results.backlogPerSecond = perSecond(n, performance.now() - started);
    results.backlogToCeiling = ratio(results.backlogPerSecond as number, results.rawCeilingPerSecond as number);

    // 4. Durable end to end: 50 concurrent producers enqueue while the worker delivers; time until every attempt is recorded.
    started = performance.now();
    await enqueueMany("bench.fast", n, "durable");
    await recorded(worker, 2 * n, 2 * n, "durable deliveries");
    results.durablePerSecond = perSecond(n, performance.now() - started);
    results.durableToCeiling = ratio(results.durablePerSecond as number, results.rawCeilingPerSecond as number);
    results.duplicateAttempts = (await fast.stats()).duplicates;

    // 5. End-to-end latency, idle: one event at a time.
    await fast.reset();
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) idle.push(await arrivalLatency(orgId, "bench.fast", `idle-${i}`, i, 30_000, "idle delivery"));
    // A raw POST round trip to the same receiver, for scale.
    const rawTrips: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await postWebhook({ url: fast.url, headers: { "content-type": "application/json" }, body: "{}" });
      rawTrips.push(performance.now() - started);
    }
    // And one durable commit (a one-row UPDATE): the floor under any durable enqueue, whatever the engine.
    const commits: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await prisma.$executeRawUnsafe(`UPDATE "Organization" SET "name" = "name" WHERE "id" = $1`, orgId);
      commits.push(performance.now() - started);
    }
    results.idleLatencyMs = { p50: percentile(idle, 50), p99: percentile(idle, 99), rawRoundTripP50: percentile(rawTrips, 50), commitP50: percentile(commits, 50) };
    // The floor under any durable delivery: one commit to store it, one round trip to send it.
    results.idleLatencyToFloor = ratio(percentile(idle, 50), percentile(rawTrips, 50) + percentile(commits, 50));

    // 6. Under load: sample latency while a backlog drains.
    await fast.reset();
    const loadStarted = new Map<string, number>();
    const backlog = enqueueMany("bench.fast", Math.min(n, 2_000), "load");
    for (let i = 0; i < 30; i++) {
      const started = Date.now();
      const { deliveries } = await sendWebhookNotification(orgId, "bench.fast", `sample-${i}`, { i });
      loadStarted.set(deliveries[0]!.id, started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await backlog;
    await waitFor(async () => {
      const { arrivals } = await fast.stats();
      return [...loadStarted.keys()].every((id) => arrivals[id] !== undefined);
    }, 600_000, "loaded samples");
    const { arrivals } = await fast.stats();
    const loaded = [...loadStarted].map(([id, started]) => arrivals[id]! - started);
    results.loadedLatencyMs = { p50: percentile(loaded, 50), p99: percentile(loaded, 99) };
    await worker.stop();

    // 6b. What Ed25519 signing costs a worker: the same backlog to an HMAC endpoint and to an
    //     Ed25519 one (v1a), in turns (HMAC, Ed25519, HMAC) so drift over the run hits both alike.
    await createEndpoint({ organizationId: orgId, url: fast.url, eventTypes: ["bench.hmac"] });
    await createEndpoint({ organizationId: orgId, url: fast.url, eventTypes: ["bench.ed25519"], signatureScheme: "ed25519" });
    const signingBacklog = async (event: string, count: number, prefix: string) => {
      await enqueueMany(event, count, prefix);
      const deliveredBefore = await prisma.webhookDelivery.count({ where: { status: "delivered" } });
      const signingWorker = startWorker({ concurrency: 50, endpointConcurrency: 1_000, pollIntervalMs: 100 });
      const runStarted = performance.now();
      await recorded(signingWorker, count, deliveredBefore + count, `${event} backlog`);
      const perSecondRun = perSecond(count, performance.now() - runStarted);
      await signingWorker.stop();
      return perSecondRun;
    };
    const half = Math.max(500, Math.round(n / 2));
    const hmacRuns = [await signingBacklog("bench.hmac", half, "hmac-1")];
    const ed25519PerSecond = await signingBacklog("bench.ed25519", half, "ed25519");
    hmacRuns.push(await signingBacklog("bench.hmac", half, "hmac-2"));
    const hmacPerSecond = Math.round((hmacRuns[0]! + hmacRuns[1]!) / 2);
    results.signing = { deliveries: half, hmacPerSecond, hmacRuns, ed25519PerSecond };
    results.ed25519ToHmac = ratio(ed25519PerSecond, hmacPerSecond);

    // 7. Naive sender (classic guide): batches of 10, each awaiting its send and its database write, 50 ms receiver.
    const naiveCount = 500;
    const naiveStarted = performance.now();
    for (let i = 0; i < naiveCount; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          const body = JSON.stringify({ event: "bench.slow", idempotencyKey: `naive-${i + j}`, timestamp: new Date().toISOString(), data: {} });
          const headers = buildWebhookHeaders({ messageId: `naive_${i + j}`, eventType: "bench.slow", eventTimestamp: new Date().toISOString(), body, secrets: [slowEndpoint.secret], attemptAt: new Date() });
          const response = await postWebhook({ url: slow.url, headers, body });
          await prisma.scheduledJob.upsert({ where: { name: `naive-${(i + j) % 10}` }, create: { name: `naive-${(i + j) % 10}`, lastRunAt: new Date(), lastResult: { status: response.status } }, update: { lastRunAt: new Date(), lastResult: { status: response.status } } });
        }),
      );
    }
    results.naivePerSecond = perSecond(naiveCount, performance.now() - naiveStarted);
    // 8. The engine against the same 50 ms receiver, from stored events like the naive sender's.
    const engineCount = 3_000;
    const before = await prisma.webhookDelivery.count({ where: { status: "delivered" } });
    await enqueueMany("bench.slow", engineCount, "engine50");
    worker = startWorker({ concurrency: 200, endpointConcurrency: 1_000, pollIntervalMs: 100 });
    const engineStarted = performance.now();
    await recorded(worker, engineCount, before + engineCount, "engine deliveries at 50 ms");
    results.engineAt50msPerSecond = perSecond(engineCount, performance.now() - engineStarted);
    results.engineToNaive = ratio(results.engineAt50msPerSecond as number, results.naivePerSecond as number);
    await worker.stop();

    // 9. Two tenants sharing one worker: A's 5 endpoints behind the 50 ms receiver with a backlog
    //    (every slot taken: 5 endpoints × 10 per endpoint = 50), B sends one event at a time meanwhile.
    const [tenantA, tenantB] = [newId("org"), newId("org")];
    await prisma.organization.create({ data: { id: tenantA, name: "Tenant A", slug: `tenant-a-${tenantA.slice(-6)}` } });
    await prisma.organization.create({ data: { id: tenantB, name: "Tenant B", slug: `tenant-b-${tenantB.slice(-6)}` } });
    for (let i = 0; i < 5; i++) await createEndpoint({ organizationId: tenantA, url: `${slow.url}?endpoint=${i}`, eventTypes: ["bench.tenant"] });
    await createEndpoint({ organizationId: tenantB, url: fast.url, eventTypes: ["bench.tenant"] });
    const aEvents = Math.max(100, Math.round(n / 5));
    await enqueueMany("bench.tenant", aEvents, "a", tenantA);
    const aTotal = aEvents * 5;
    const aDelivered = () => prisma.webhookDelivery.count({ where: { organizationId: tenantA, status: "delivered" } });
    await fast.reset();
    worker = startWorker({ concurrency: 50, endpointConcurrency: 10, pollIntervalMs: 100 });
    const tenantsStarted = performance.now();
    await waitFor(async () => worker.stats().attempted >= 100, 600_000, "tenant A under way");
    const bLatencies: number[] = [];
    for (let i = 0; i < 20; i++) bLatencies.push(await arrivalLatency(tenantB, "bench.tenant", `b-${i}`, i, 600_000, "tenant B delivery"));
    const aDoneWhenB = await aDelivered();
    await waitFor(async () => (await aDelivered()) >= aTotal, 600_000, "tenant A backlog", 100);
    await worker.stop();
    results.twoTenants = {
      aDeliveries: aTotal,
      aPerSecond: perSecond(aTotal, performance.now() - tenantsStarted),
      bLatencyMs: { p50: percentile(bLatencies, 50), p99: percentile(bLatencies, 99) },
      aDeliveredWhenBFinished: aDoneWhenB,
    };
    void fastEndpoint;
  } finally {
    fast.stop();
    slow.stop();
    await closeTransport();
    await closeDatabase();
  }

  // 10. Worker processes on PostgreSQL (a 50 ms receiver): 1, 2 and 4 processes.
  // 11. Worker RSS over a long run (PostgreSQL: the worker is its own process).
  if (scratch) {
    results.workerProcesses = await scaleWorkers(scratch.url);
    const scale = results.workerProcesses as Record<string, { perSecond: number }>;
    results.scaleOut4to1 = ratio(scale["4"]!.perSecond, scale["1"]!.perSecond);
    const rssCount = Number(flag("--rss") ?? 100_000);
    if (rssCount > 0) results.workerMemory = await workerMemory(scratch.url, rssCount);
    await scratch.drop();
  }
  return results;
}

async function scaleWorkers(databaseUrl: string) {
  const { getDatabase, closeDatabase, prisma } = await import("@/lib/db");
  const { createEndpoint, sendWebhookNotification } = await import("@/lib/webhooks");
  const { newId } = await import("@/lib/ids");
  const out: Record<string, { perSecond: number; duplicates: number } & Record<string, unknown>> = {};
  const count = Number(flag("--scale-n") ?? 3_000);
  // Slots per process. With 50 ms per request one process's capacity is slots × 20/s; kept below what
  // this host's CPU caps the whole run at, so the measure shows what adding processes adds.
  const slots = flag("--scale-concurrency") ?? "10";
  for (const processes of [1, 2, 4]) {
    const receiver = await startReceiver(50);
    const orgId = newId("org");
    await getDatabase().migrate();
    await prisma.organization.create({ data: { id: orgId, name: `Scale ${processes}`, slug: `scale-${processes}-${orgId.slice(-6)}` } });
    await createEndpoint({ organizationId: orgId, url: receiver.url });
    for (let i = 0; i < count; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => sendWebhookNotification(orgId, "bench.scale", `s${processes}-${i + j}`, {})));
    }
    // Hold the backlog until every process is up (start-up is not delivery), then release it at once.
    await prisma.$executeRawUnsafe(`UPDATE "WebhookDelivery" SET "nextAttemptAt" = $2::timestamp(3) WHERE "organizationId" = $1`, orgId, new Date(Date.now() + 86_400_000).toISOString());
    const spawnedAt = new Date();
    const workers: ReturnType<typeof spawnWorker>[] = [];
    for (let i = 0; i < processes; i++) workers.push(spawnWorker(databaseUrl, slots));
    await waitFor(async () => (await prisma.workerHeartbeat.count({ where: { startedAt: { gte: new Date(spawnedAt.getTime() - 1_000) } } })) >= processes, 120_000, "worker start-up");
    await prisma.$executeRawUnsafe(`UPDATE "WebhookDelivery" SET "nextAttemptAt" = $2::timestamp(3) WHERE "organizationId" = $1`, orgId, new Date().toISOString());
    await prisma.$executeRawUnsafe(`SELECT pg_notify('webhook_deliveries', '')`);
    const started = performance.now();
    const cpuBefore = { machine: machineBusySeconds(), workers: workers.map((worker) => processCpuSeconds(worker.pid!)) };
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { organizationId: orgId, status: "delivered" } })) >= count, 900_000, `${processes} worker(s)`, 200);
    const ms = performance.now() - started;
    // Where the machine's CPU went during the window: the worker processes, and everything else
    // (PostgreSQL, the receiver, this process), in cores (2 = both cores busy the whole time).
    const machineCores = (machineBusySeconds() - cpuBefore.machine) / (ms / 1000);
    const workerCores = workers.map((worker, i) => (processCpuSeconds(worker.pid!) - cpuBefore.workers[i]!) / (ms / 1000));
    const usages = await Promise.all(workers.map((worker) => stopWorker(worker)));
    const stats = await receiver.stats();
    out[String(processes)] = {
      perSecond: perSecond(count, ms),
      duplicates: stats.duplicates,
      // Per process: busy slot time ÷ (slots × the delivery window), and what its claims cost.
      slotUtilisation: usages.map((usage) => Math.round((usage.busySlotMs / (Number(slots) * ms)) * 100) / 100),
      claims: usages.map((usage) => usage.claims),
      emptyClaims: usages.map((usage) => usage.emptyClaims),
      claimMsAvg: usages.map((usage) => Math.round((usage.claimMsTotal / Math.max(1, usage.claims)) * 10) / 10),
      deliveredPerClaim: usages.map((usage) => Math.round((usage.claimed / Math.max(1, usage.claims)) * 10) / 10),
      cpu: {
        machineCores: Math.round(machineCores * 100) / 100,
        workerCores: workerCores.map((cores) => Math.round(cores * 100) / 100),
        otherCores: Math.round((machineCores - workerCores.reduce((a, b) => a + b, 0)) * 100) / 100,
      },
    };
    receiver.stop();
  }
  await closeDatabase();
  return { slotsPerProcess: Number(slots), ...out };
}

/** A worker process with `slots` slots (--profile-workers <folder>: each writes a CPU profile there when it exits). */
function spawnWorker(databaseUrl: string, slots: string) {
  return spawnWorkerProcess(databaseUrl, { slots, profileDir: flag("--profile-workers") });
}

/** CPU seconds the whole machine has been busy (all cores; Linux /proc/stat). */
function machineBusySeconds(): number {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

/** CPU seconds (user + system) a process has used (Linux /proc). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process in MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

/**
 * One worker process delivers `count` stored deliveries (inserted in bulk: the
 * producer is not what is measured) to a 0 ms receiver; its RSS is sampled
 * after the first 1 000 and then every 10 %.
 */
async function workerMemory(databaseUrl: string, count: number) {
  const { getDatabase, closeDatabase, prisma } = await import("@/lib/db");
  const { createEndpoint } = await import("@/lib/webhooks");
  const { newId } = await import("@/lib/ids");
  await getDatabase().migrate();
  const receiver = await startReceiver(0, { keepArrivals: false });
  const orgId = newId("org");
  await prisma.organization.create({ data: { id: orgId, name: "Memory", slug: `memory-${orgId.slice(-6)}` } });
  const { endpoint } = await createEndpoint({ organizationId: orgId, url: receiver.url, eventTypes: ["bench.memory"] });
  for (let from = 0; from < count; from += 20_000) {
    const to = Math.min(count, from + 20_000);
    await prisma.$executeRawUnsafe(
      `WITH events AS (
         INSERT INTO "WebhookEvent" ("id", "organizationId", "eventType", "idempotencyKey", "body", "createdAt")
         SELECT 'evt_mem_' || g, $1, 'bench.memory', 'mem-' || g, json_build_object('event', 'bench.memory', 'idempotencyKey', 'mem-' || g, 'data', json_build_object('n', g))::text, $5::timestamp(3)
           FROM generate_series($3::int, $4::int) AS g
         RETURNING "id", "idempotencyKey"
       )
       INSERT INTO "WebhookDelivery" ("id", "organizationId", "eventId", "endpointId", "event", "idempotencyKey", "nextAttemptAt", "createdAt", "updatedAt")
       SELECT 'msg_mem_' || substr(e."id", 9), $1, e."id", $2, 'bench.memory', e."idempotencyKey", $5::timestamp(3), $5::timestamp(3), $5::timestamp(3) FROM events e`,
      orgId,
      endpoint.id,
      from + 1,
      to,
      new Date().toISOString(),
    );
  }
  const worker = spawnWorker(databaseUrl, "50");
  const done = () => prisma.webhookDelivery.count({ where: { organizationId: orgId, status: "delivered" } });
  const samples: { delivered: number; rssMiB: number }[] = [];
  const started = performance.now();
  let next = 1_000;
  for (;;) {
    const now = await done();
    if (now >= next || now >= count) {
      samples.push({ delivered: now, rssMiB: rssMiB(worker.pid!) });
      next = Math.ceil((now + 1) / (count / 10)) * (count / 10);
    }
    if (now >= count) break;
    if (performance.now() - started > 1_800_000) throw new Error(`memory run: only ${now} of ${count} delivered in 30 min`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const perSecond = Math.round((count / (performance.now() - started)) * 1000);
  await stopWorker(worker);
  receiver.stop();
  await closeDatabase();
  return { deliveries: count, perSecond, startMiB: samples[0]!.rssMiB, endMiB: samples.at(-1)!.rssMiB, maxMiB: Math.max(...samples.map((sample) => sample.rssMiB)), samples };
}

function chart(results: Record<string, unknown>[]): string {
  const bars: { label: string; value: number }[] = [];
  for (const result of results) {
    const mode = String(result.mode);
    bars.push({ label: `${mode}: raw ceiling`, value: Number(result.rawCeilingPerSecond) });
    bars.push({ label: `${mode}: stored backlog`, value: Number(result.backlogPerSecond) });
    bars.push({ label: `${mode}: durable end to end`, value: Number(result.durablePerSecond) });
    bars.push({ label: `${mode}: naive @50ms`, value: Number(result.naivePerSecond) });
    bars.push({ label: `${mode}: engine @50ms`, value: Number(result.engineAt50msPerSecond) });
    const scale = result.workerProcesses as Record<string, { perSecond: number } | number> | undefined;
    if (scale) for (const [k, v] of Object.entries(scale)) if (typeof v === "object") bars.push({ label: `${mode}: ${k} worker proc @50ms`, value: v.perSecond });
  }
  const max = Math.max(...bars.map((bar) => bar.value), 1);
  const rowHeight = 26;
  const rows = bars
    .map((bar, i) => {
      const width = Math.round((bar.value / max) * 520);
      const y = 40 + i * rowHeight;
      return `<text x="10" y="${y + 16}" font-size="12">${bar.label}</text><rect x="250" y="${y + 4}" width="${width}" height="16" fill="#4f46e5"/><text x="${256 + width}" y="${y + 16}" font-size="12">${bar.value}/s</text>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="880" height="${60 + bars.length * rowHeight}" font-family="sans-serif"><text x="10" y="24" font-size="15" font-weight="bold">Deliveries per second (higher is better)</text>${rows}</svg>`;
}

async function main() {
  // One encryption key for the bench process and the worker processes it starts: with an in-memory
  // data folder each process would make up its own, and workers could not read the endpoints' secrets.
  process.env.WEBHOOK_ENCRYPTION_KEYS ??= `bench:${randomBytes(32).toString("base64")}`;
  const only = flag("--only");
  const admin = process.env.DATABASE_URL;
  if (args.includes("--scale-only")) {
    // Just the worker-process runs (PostgreSQL), for looking into scale-out.
    const scratch = await scratchPostgres(admin!);
    process.env.DATABASE_URL = scratch.url;
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "true";
    process.env.LOG_LEVEL = "warn";
    console.log(JSON.stringify(await scaleWorkers(scratch.url), null, 2));
    await scratch.drop();
    process.exit(0);
  }
  const modes: ("embedded" | "postgres")[] = [];
  if (only !== "postgres") modes.push("embedded");
  if (only !== "embedded" && admin) modes.push("postgres");
  const results: Record<string, unknown>[] = [];
  for (const mode of modes) {
    console.log(`\n== ${mode} ==`);
    const result = await runMode(mode, admin);
    console.log(JSON.stringify(result, null, 2));
    results.push(result);
  }
  const postgres = results.find((result) => result.mode === "postgres");
  // 12. Cost as data grows (scripts/bench/size.ts): PostgreSQL at 10k, 100k and 1M deliveries.
  if (admin && !args.includes("--skip-size")) {
    const { runSizeBench } = await import("./size");
    const sizes = (flag("--size-sizes") ?? "10k,100k,1M").split(",") as ("10k" | "100k" | "1M")[];
    const size = await runSizeBench({ databaseUrl: admin, sizes, embeddedSizes: [] });
    if (postgres) postgres.sizeScaling = size.sizeScaling;
    process.env.DATABASE_URL = admin;
  }
  // 13. The HTTP front door (scripts/bench/http.ts): the production server on both databases.
  if (!args.includes("--skip-http")) {
    const { runHttpBench } = await import("./http");
    const http = await runHttpBench({ databaseUrl: admin, modes: only ? [only as "embedded" | "postgres"] : undefined });
    const target = postgres ?? results[0];
    if (target) Object.assign(target, { ingestToRoute: http.ingestToRoute, embeddedIngestToPostgres: http.embeddedIngestToPostgres, ingestP99ToP50: http.ingestP99ToP50, http });
  }
  // 14. Ordering, rate limits (scripts/bench/controls.ts): PostgreSQL, two worker processes.
  if (admin && !args.includes("--skip-controls")) {
    const { runControlsBench } = await import("./controls");
    const controls = await runControlsBench({ databaseUrl: admin });
    if (postgres) Object.assign(postgres, { orderedToUnordered: controls.ordering.orderedToUnordered, controls });
    process.env.DATABASE_URL = admin;
  }
  const out = path.join(root, "bench-results");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "bench.json"), JSON.stringify(results, null, 2));
  writeFileSync(path.join(out, "bench.svg"), chart(results));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a printed summary of the JSON above
  for (const r of results as Record<string, any>[]) {
    console.log(`\n${r.mode}`);
    const rows: [string, string][] = [
      ["raw keep-alive ceiling", `${r.rawCeilingPerSecond}/s`],
      ["enqueue (50 producers, no worker)", `${r.enqueuePerSecond}/s, p50 ${r.enqueueLatencyMs.p50} ms, p99 ${r.enqueueLatencyMs.p99} ms`],
      ["delivery of a stored backlog", `${r.backlogPerSecond}/s = ${r.backlogToCeiling}x ceiling`],
      ["durable end to end (enqueue while delivering)", `${r.durablePerSecond}/s = ${r.durableToCeiling}x ceiling`],
      ["naive sender @50 ms", `${r.naivePerSecond}/s`],
      ["engine @50 ms", `${r.engineAt50msPerSecond}/s = ${r.engineToNaive}x naive`],
      ["idle latency p50/p99 (raw round trip; one commit)", `${r.idleLatencyMs.p50}/${r.idleLatencyMs.p99} ms (${r.idleLatencyMs.rawRoundTripP50} ms; ${r.idleLatencyMs.commitP50} ms)`],
      ["loaded latency p50/p99", `${r.loadedLatencyMs.p50}/${r.loadedLatencyMs.p99} ms`],
      ["backlog: Ed25519 ÷ HMAC endpoint", `${r.ed25519ToHmac}x (${r.signing.ed25519PerSecond} vs ${r.signing.hmacPerSecond}/s)`],
    ];
    if (r.twoTenants) {
      const t = r.twoTenants;
      rows.push(["two tenants: B's latency p50/p99 while A drains", `${t.bLatencyMs.p50}/${t.bLatencyMs.p99} ms (A: ${t.aDeliveredWhenBFinished}/${t.aDeliveries} done by then, ${t.aPerSecond}/s)`]);
    }
    rows.push(["idle latency p50 ÷ (round trip + commit)", `${r.idleLatencyToFloor}x`]);
    if (r.workerProcesses) {
      rows.push(["worker processes @50 ms", JSON.stringify(Object.fromEntries(Object.entries(r.workerProcesses).map(([k, v]) => [k, typeof v === "object" ? (v as { perSecond: number }).perSecond : v])))]);
      rows.push(["4 ÷ 1 worker processes", `${r.scaleOut4to1}x; slot utilisation at 4: ${JSON.stringify(r.workerProcesses["4"]?.slotUtilisation)}`]);
    }
    if (r.ingestToRoute !== undefined) rows.push(["ingest ÷ trivial route (req/s); embedded ÷ PostgreSQL ingest", `${r.ingestToRoute}x; ${r.embeddedIngestToPostgres}x; p99 ÷ p50 ${r.ingestP99ToP50}`]);
    if (r.controls) {
      const { ordering, rateLimit } = r.controls;
      rows.push([`ordered ÷ unordered, ${ordering.keys} keys`, `${ordering.orderedToUnordered}x (${ordering.orderedPerSecond} vs ${ordering.unorderedPerSecond}/s; ${ordering.orderViolations} order violations)`]);
      rows.push([`rate limit ${rateLimit.limitPerSecond}/s: busiest second`, `${rateLimit.busiestSecondByStart} by start, ${rateLimit.busiestSecondAtReceiver} at the receiver; ${rateLimit.achievedToLimit}x the limit`]);
      rows.push(["claim behind one key's queue (10k, 50k)", `${JSON.stringify(r.controls.deepQueueClaimMs)} ms`]);
    }
    if (r.sizeScaling) for (const [measure, row] of Object.entries(r.sizeScaling)) rows.push([`size: ${measure}`, JSON.stringify(row)]);
    if (r.workerMemory) rows.push([`worker RSS over ${r.workerMemory.deliveries}`, `${r.workerMemory.startMiB} → ${r.workerMemory.endMiB} MiB (max ${r.workerMemory.maxMiB}) at ${r.workerMemory.perSecond}/s`]);
    for (const [label, value] of rows) console.log(`  ${label.padEnd(48)} ${value}`);
  }
  console.log(`\nwrote ${path.relative(root, path.join(out, "bench.json"))} and bench.svg`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
