/**
 * `npm run bench`: measures the delivery engine against its own loopback
 * receiver (a separate process), once on the embedded database and once on
 * PostgreSQL (when DATABASE_URL names a server; a scratch database is created
 * and dropped). Prints a table, writes bench-results/bench-<mode>.json and an
 * SVG chart. Options: --only embedded|postgres, --n <deliveries>,
 * --rss <deliveries for the memory run>.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { Pool } from "undici";

const root = path.resolve(__dirname, "../..");
const args = process.argv.slice(2);
const flag = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const TSX = require.resolve("tsx/cli");

interface Receiver {
  url: string;
  stats(): Promise<{ requests: number; distinct: number; duplicates: number; arrivals: Record<string, number> }>;
  reset(): Promise<void>;
  stop(): void;
}

async function startReceiver(latencyMs: number): Promise<Receiver> {
  const child = spawn(process.execPath, [TSX, path.join(__dirname, "receiver.ts")], { env: { ...process.env, LATENCY_MS: String(latencyMs) }, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).listening));
    child.once("exit", () => reject(new Error("receiver exited")));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/hook`,
    stats: async () => (await fetch(`${base}/stats`)).json(),
    reset: async () => void (await fetch(`${base}/reset`, { method: "POST" })),
    stop: () => child.kill("SIGTERM"),
  };
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};
const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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

async function scratchPostgres(admin: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `webhooks_bench_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
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

    const enqueueMany = async (event: string, count: number, prefix: string) => {
      const latencies: number[] = [];
      for (let i = 0; i < count; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
            const started = performance.now();
            await sendWebhookNotification(orgId, event, `${prefix}-${i + j}`, { n: i + j });
            latencies.push(performance.now() - started);
          }),
        );
      }
      return latencies;
    };
    const delivered = async (count: number) => (await prisma.webhookDelivery.count({ where: { status: "delivered" } })) >= count;

    // 1. Raw ceiling.
    results.rawCeilingPerSecond = await rawCeiling(fast.url, Math.max(n, 2_000), 50);

    // 2. Durable throughput: enqueue with the worker running; time until every attempt is recorded.
    let worker = startWorker({ concurrency: 50, endpointConcurrency: 1_000, pollIntervalMs: 100 });
    const durableStarted = performance.now();
    const enqueueLatencies = await enqueueMany("bench.fast", n, "durable");
    await waitFor(() => delivered(n), 600_000, "durable deliveries");
    const durableMs = performance.now() - durableStarted;
    results.durablePerSecond = perSecond(n, durableMs);
    results.durableToCeiling = Math.round(((results.durablePerSecond as number) / (results.rawCeilingPerSecond as number)) * 100) / 100;
    results.enqueueLatencyMs = { p50: percentile(enqueueLatencies, 50), p99: percentile(enqueueLatencies, 99) };
    results.duplicateAttempts = (await fast.stats()).duplicates;

    // 3. End-to-end latency, idle: one event at a time.
    await fast.reset();
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = Date.now();
      const { deliveries } = await sendWebhookNotification(orgId, "bench.fast", `idle-${i}`, { i });
      const id = deliveries[0]!.id;
      await waitFor(async () => (await fast.stats()).arrivals[id] !== undefined, 30_000, "idle delivery");
      idle.push((await fast.stats()).arrivals[id]! - started);
    }
    // A raw POST round trip to the same receiver, for scale.
    const rawTrips: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await postWebhook({ url: fast.url, headers: { "content-type": "application/json" }, body: "{}" });
      rawTrips.push(performance.now() - started);
    }
    results.idleLatencyMs = { p50: percentile(idle, 50), p99: percentile(idle, 99), rawRoundTripP50: percentile(rawTrips, 50) };

    // 4. Under load: sample latency while a backlog drains.
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

    // 5. Naive sender (classic guide): batches of 10, each awaiting its send and its database write, 50 ms receiver.
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
    const engineCount = 2_000;
    worker = startWorker({ concurrency: 200, endpointConcurrency: 1_000, pollIntervalMs: 100 });
    const engineStarted = performance.now();
    const before = await prisma.webhookDelivery.count({ where: { status: "delivered" } });
    await enqueueMany("bench.slow", engineCount, "engine50");
    await waitFor(() => delivered(before + engineCount), 600_000, "engine deliveries at 50 ms");
    results.engineAt50msPerSecond = perSecond(engineCount, performance.now() - engineStarted);
    results.engineToNaive = Math.round(((results.engineAt50msPerSecond as number) / (results.naivePerSecond as number)) * 10) / 10;
    await worker.stop();
    void fastEndpoint;
  } finally {
    fast.stop();
    slow.stop();
    await closeTransport();
    await closeDatabase();
  }

  // 6. Worker processes on PostgreSQL (a 50 ms receiver): 1, 2 and 4 processes.
  if (scratch) {
    results.workerProcesses = await scaleWorkers(scratch.url);
    await scratch.drop();
  }
  return results;
}

async function scaleWorkers(databaseUrl: string) {
  const { getDatabase, closeDatabase, prisma } = await import("@/lib/db");
  const { createEndpoint, sendWebhookNotification } = await import("@/lib/webhooks");
  const { newId } = await import("@/lib/ids");
  const out: Record<string, { perSecond: number; duplicates: number }> = {};
  const count = Number(flag("--scale-n") ?? 3_000);
  for (const processes of [1, 2, 4]) {
    const receiver = await startReceiver(50);
    const orgId = newId("org");
    await getDatabase().migrate();
    await prisma.organization.create({ data: { id: orgId, name: `Scale ${processes}`, slug: `scale-${processes}-${orgId.slice(-6)}` } });
    await createEndpoint({ organizationId: orgId, url: receiver.url });
    for (let i = 0; i < count; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => sendWebhookNotification(orgId, "bench.scale", `s${processes}-${i + j}`, {})));
    }
    const workers: ChildProcess[] = [];
    const started = performance.now();
    for (let i = 0; i < processes; i++) {
      workers.push(
        spawn(process.execPath, [TSX, path.join(root, "scripts/worker.ts")], {
          cwd: root,
          env: { ...process.env, DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "10", WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", WEBHOOK_WORKER_CONCURRENCY: "50", WEBHOOK_ENDPOINT_CONCURRENCY: "1000", LOG_LEVEL: "error" },
          stdio: "ignore",
        }),
      );
    }
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { organizationId: orgId, status: "delivered" } })) >= count, 900_000, `${processes} worker(s)`);
    const ms = performance.now() - started;
    await Promise.all(workers.map((worker) => new Promise((resolve) => { worker.once("exit", resolve); worker.kill("SIGTERM"); })));
    const stats = await receiver.stats();
    out[String(processes)] = { perSecond: perSecond(count, ms), duplicates: stats.duplicates };
    receiver.stop();
  }
  await closeDatabase();
  return out;
}

function chart(results: Record<string, unknown>[]): string {
  const bars: { label: string; value: number }[] = [];
  for (const result of results) {
    const mode = String(result.mode);
    bars.push({ label: `${mode}: raw ceiling`, value: Number(result.rawCeilingPerSecond) });
    bars.push({ label: `${mode}: durable`, value: Number(result.durablePerSecond) });
    bars.push({ label: `${mode}: naive @50ms`, value: Number(result.naivePerSecond) });
    bars.push({ label: `${mode}: engine @50ms`, value: Number(result.engineAt50msPerSecond) });
    const scale = result.workerProcesses as Record<string, { perSecond: number }> | undefined;
    if (scale) for (const [k, v] of Object.entries(scale)) bars.push({ label: `${mode}: ${k} worker proc @50ms`, value: v.perSecond });
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
  const only = flag("--only");
  const admin = process.env.DATABASE_URL;
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
  const out = path.join(root, "bench-results");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "bench.json"), JSON.stringify(results, null, 2));
  writeFileSync(path.join(out, "bench.svg"), chart(results));
  console.log("\nmode      ceiling/s  durable/s  ratio  naive@50  engine@50  ×naive  idle p50/p99 (raw)  loaded p50/p99  enqueue p50/p99");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a printed summary of the JSON above
  for (const r of results as Record<string, any>[]) {
    console.log(
      `${String(r.mode).padEnd(9)} ${String(r.rawCeilingPerSecond).padStart(9)}  ${String(r.durablePerSecond).padStart(9)}  ${String(r.durableToCeiling).padStart(5)}  ${String(r.naivePerSecond).padStart(8)}  ${String(r.engineAt50msPerSecond).padStart(9)}  ${String(r.engineToNaive).padStart(6)}  ${r.idleLatencyMs.p50}/${r.idleLatencyMs.p99} (${r.idleLatencyMs.rawRoundTripP50})  ${r.loadedLatencyMs.p50}/${r.loadedLatencyMs.p99}  ${r.enqueueLatencyMs.p50}/${r.enqueueLatencyMs.p99}`,
    );
    if (r.workerProcesses) console.log(`          worker processes @50 ms: ${JSON.stringify(r.workerProcesses)}`);
  }
  console.log(`\nwrote ${path.relative(root, path.join(out, "bench.json"))} and bench.svg`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
