/**
 * `npm run bench:batch`: what batch send buys a producer, on PostgreSQL, enqueue only (no
 * worker runs, so delivery does not compete for the machine).
 *
 * The same `--events` events (default 5 000, to one organization with `--endpoints`
 * subscribed endpoints, default 2) are stored three ways, each in a fresh organization:
 * 1. **batches**: `sendWebhookNotifications` with `--batch` items per call (default 500), one
 *    call after another — one statement per batch;
 * 2. **ten at a time**: what the classic guide's `batchSendWebhooks` did — `sendWebhookNotification`
 *    for ten events, awaited together, then the next ten;
 * 3. **one at a time**: `sendWebhookNotification` awaited per event.
 * Reports events per second for each and the ratios of the first to the other two, over
 * `--runs` runs (default 3, the median kept). Writes bench-results/batch.json.
 *
 * Needs DATABASE_URL (a server: a scratch database is created and dropped).
 */
import { randomBytes } from "node:crypto";
import { runPostgresBenchCli } from "./cli";
import { scratchPostgres } from "./scratch-database";


export interface BatchBenchOptions {
  databaseUrl: string;
  events?: number;
  batch?: number;
  endpoints?: number;
  runs?: number;
  log?: (line: string) => void;
}

export interface BatchBenchResult {
  events: number;
  batchSize: number;
  endpoints: number;
  runs: number;
  /** Median events stored per second. */
  batchesPerSecond: number;
  tenAtATimePerSecond: number;
  oneAtATimePerSecond: number;
  batchToTenAtATime: number;
  batchToOneAtATime: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function runBatchBench(options: BatchBenchOptions): Promise<BatchBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const events = options.events ?? 5_000;
  const batchSize = options.batch ?? 500;
  const endpointCount = options.endpoints ?? 2;
  const runs = options.runs ?? 3;
  process.env.WEBHOOK_ENCRYPTION_KEYS ??= `bench:${randomBytes(32).toString("base64")}`;
  const scratch = await scratchPostgres(options.databaseUrl, "webhooks_bench_batch");
  process.env.DATABASE_URL = scratch.url;
  process.env.LOG_LEVEL = "warn";
  // No worker in this process: nothing is handed over or attempted while enqueueing.
  process.env.WEBHOOK_EMBEDDED_WORKER = "false";
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  const { getDatabase, closeDatabase, prisma } = await import("@/lib/db");
  const { createEndpoint, sendWebhookNotification, sendWebhookNotifications } = await import("@/lib/webhooks");
  const { newId } = await import("@/lib/ids");
  await getDatabase().migrate();

  const data = (i: number) => ({ invoiceId: `inv_${i}`, amount: 100 + i, currency: "usd" });
  async function organization(label: string): Promise<string> {
    const orgId = newId("org");
    await prisma.organization.create({ data: { id: orgId, name: label, slug: `${label}-${orgId.slice(-8)}` } });
    for (let e = 0; e < endpointCount; e++) await createEndpoint({ organizationId: orgId, url: `https://hooks${e}.example.com/${label}` });
    return orgId;
  }
  async function timed(label: string, send: (orgId: string) => Promise<void>): Promise<number> {
    const orgId = await organization(label);
    const started = performance.now();
    await send(orgId);
    const seconds = (performance.now() - started) / 1000;
    const stored = await prisma.webhookEvent.count({ where: { organizationId: orgId } });
    if (stored !== events) throw new Error(`${label}: ${stored} of ${events} events stored`);
    return events / seconds;
  }

  const results = { batches: [] as number[], ten: [] as number[], one: [] as number[] };
  for (let run = 0; run < runs; run++) {
    results.batches.push(
      await timed(`batch-${run}`, async (orgId) => {
        for (let i = 0; i < events; i += batchSize) {
          const items = Array.from({ length: Math.min(batchSize, events - i) }, (_, j) => ({ event: "invoice.paid", idempotencyKey: `b-${i + j}`, data: data(i + j) }));
          const answers = await sendWebhookNotifications(orgId, items);
          if (answers.some((answer) => "error" in answer)) throw new Error("a batch item was refused");
        }
      }),
    );
    results.ten.push(
      await timed(`ten-${run}`, async (orgId) => {
        for (let i = 0; i < events; i += 10) {
          await Promise.all(Array.from({ length: Math.min(10, events - i) }, (_, j) => sendWebhookNotification(orgId, "invoice.paid", `t-${i + j}`, data(i + j))));
        }
      }),
    );
    results.one.push(
      await timed(`one-${run}`, async (orgId) => {
        for (let i = 0; i < events; i++) await sendWebhookNotification(orgId, "invoice.paid", `o-${i}`, data(i));
      }),
    );
    log(`run ${run + 1}: batches ${round(results.batches.at(-1)!)}/s, ten at a time ${round(results.ten.at(-1)!)}/s, one at a time ${round(results.one.at(-1)!)}/s`);
  }
  await closeDatabase();
  await scratch.drop();
  const batchesPerSecond = median(results.batches);
  const tenAtATimePerSecond = median(results.ten);
  const oneAtATimePerSecond = median(results.one);
  return {
    events,
    batchSize,
    endpoints: endpointCount,
    runs,
    batchesPerSecond: round(batchesPerSecond),
    tenAtATimePerSecond: round(tenAtATimePerSecond),
    oneAtATimePerSecond: round(oneAtATimePerSecond),
    batchToTenAtATime: round(batchesPerSecond / tenAtATimePerSecond, 2),
    batchToOneAtATime: round(batchesPerSecond / oneAtATimePerSecond, 2),
  };
}

if (require.main === module) {
  runPostgresBenchCli("batch", "batch.json", (databaseUrl, flag) =>
    runBatchBench({ databaseUrl, events: flag("--events"), batch: flag("--batch"), endpoints: flag("--endpoints"), runs: flag("--runs") }),
  );
}
