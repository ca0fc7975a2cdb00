/**
 * `npm run bench:size`: what the hot queries cost as the delivery tables grow. One scratch
 * PostgreSQL database (created and dropped; DATABASE_URL names the server) is grown
 * 10 k → 100 k → 1 M deliveries (with their events and 1–3 attempts each, bulk-inserted), and
 * at each size the real library functions are timed: the claim, the history list (first and a
 * deep page, with and without a filter), a delivery's detail, the dashboard and one prune batch.
 * The embedded database is measured the same way at 10 k and 100 k.
 * Options: --sizes 10k,100k,1M, --embedded-sizes 10k,100k (none: skip), --reps <n>,
 * --only embedded|postgres, --explain (EXPLAIN ANALYZE of every statement at the largest size,
 * written to bench-results/bench-size-plans.txt).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { scratchPostgres } from "./scratch-database";

const root = path.resolve(__dirname, "../..");

export const SIZES = { "10k": 10_000, "100k": 100_000, "1M": 1_000_000 } as const;
export type SizeLabel = keyof typeof SIZES;

export interface SizeBenchOptions {
  /** A PostgreSQL server URL (a scratch database is created on it); omitted: PostgreSQL is skipped. */
  databaseUrl?: string;
  sizes?: SizeLabel[];
  /** Sizes for the embedded database; [] skips it. Default 10k and 100k. */
  embeddedSizes?: SizeLabel[];
  /** Repetitions of each query; the median is reported. */
  reps?: number;
  /** Writes EXPLAIN (ANALYZE, BUFFERS) of every measured statement at the largest PostgreSQL size to this file. */
  explainTo?: string;
  log?: (line: string) => void;
}

/** Milliseconds (median) of each measure, by size. */
export type SizeTable = Record<string, Partial<Record<SizeLabel, number>>>;

export interface SizeBenchResult {
  sizeScaling?: SizeTable;
  embedded?: SizeTable;
  /** Per size: the due backlog the claim saw and the rows in the measured organization. */
  notes: Record<string, unknown>;
}

const EVENT_TYPES = ["invoice.paid", "invoice.payment_failed", "customer.created", "customer.updated", "subscription.renewed", "order.shipped"];
const ORGANIZATIONS = 5;
const ENDPOINTS_PER_ORGANIZATION = 3;
const RETENTION_DAYS = 7;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 10) / 10;
};

class Rollback extends Error {}

/** What a measured piece of work took inside a wrapper that is not timed (a rolled-back transaction). */
class InnerTime {
  constructor(readonly ms: number) {}
}

/**
 * The mix, per row number n (deterministic): organization 0 has half the rows, 1 a fifth, the
 * others a tenth each; three endpoints each; six event types; created over the last 30 days;
 * 80 % delivered (1–3 attempts), 6 % failed (3), 4 % cancelled (1), 10 % pending and due
 * (4 % retrying after 1–2 attempts, 6 % not tried yet). Each batch is inserted in creation order,
 * as the engine writes rows, so a period's rows sit together in the table as they would.
 */
const SEED_SQL = `WITH src AS (
   SELECT n, h, (h / 6) % 100 AS s, CASE WHEN n % 10 < 5 THEN 0 WHEN n % 10 < 7 THEN 1 ELSE n % 10 - 5 END AS oi,
          $4::timestamp(3) - ((hashint4(-n)::bigint & 2147483647) * 2592000000 / 2147483648) * interval '1 millisecond' AS ts
     FROM (SELECT n, hashint4(n) & 2147483647 AS h FROM generate_series($2::int, $3::int) AS n) x
 ), seeded AS (
   SELECT n, h, ts, 'sz' || lpad(n::text, 24, '0') AS tag, ($1::text[])[oi + 1] AS org,
          'ep_sz_' || oi || '_' || ((n / 10) % ${ENDPOINTS_PER_ORGANIZATION}) AS ep, ($5::text[])[h % 6 + 1] AS type,
          CASE WHEN s < 80 THEN 'delivered' WHEN s < 86 THEN 'failed' WHEN s < 90 THEN 'cancelled' ELSE 'pending' END AS status,
          CASE WHEN s < 70 THEN 1 WHEN s < 76 THEN 2 WHEN s < 86 THEN 3 WHEN s < 90 THEN 1 WHEN s < 92 THEN 1 WHEN s < 94 THEN 2 ELSE 0 END AS attempts
     FROM src
 ), events AS (
   INSERT INTO "WebhookEvent" ("id", "organizationId", "eventType", "idempotencyKey", "body", "createdAt")
   SELECT 'evt_' || tag, org, type, tag, json_build_object('type', type, 'idempotencyKey', tag, 'data', json_build_object('n', n, 'amount', h % 10000))::text, ts FROM seeded ORDER BY ts
 )
 INSERT INTO "WebhookDelivery" ("id", "organizationId", "eventId", "endpointId", "event", "idempotencyKey", "status", "attempts", "nextAttemptAt", "lastStatusCode", "lastError", "createdAt", "deliveredAt", "updatedAt")
 SELECT 'msg_' || tag, org, 'evt_' || tag, ep, type, tag, status::"DeliveryStatus", attempts,
        CASE WHEN status = 'pending' THEN least(ts + attempts * interval '1 minute', $4::timestamp(3)) END,
        CASE status WHEN 'delivered' THEN 200 WHEN 'failed' THEN 500 WHEN 'pending' THEN CASE WHEN attempts > 0 THEN 503 END END,
        CASE status WHEN 'failed' THEN 'HTTP 500' WHEN 'cancelled' THEN 'Endpoint disabled' WHEN 'pending' THEN CASE WHEN attempts > 0 THEN 'HTTP 503' END END,
        ts, CASE WHEN status = 'delivered' THEN ts + (attempts - 1) * interval '1 minute' + (40 + h % 3000) * interval '1 millisecond' END,
        ts + attempts * interval '1 minute'
   FROM seeded ORDER BY ts`;

/** Each seeded delivery's attempts (1..attempts; the last one of a delivered delivery succeeded). */
const SEED_ATTEMPTS_SQL = `INSERT INTO "WebhookAttempt" ("id", "organizationId", "deliveryId", "endpointId", "number", "trigger", "startedAt", "durationMs", "url", "requestHeaders", "statusCode", "responseHeaders", "responseBody", "success")
 SELECT 'att_' || substr(d."id", 5) || '_' || k, d."organizationId", d."id", d."endpointId", k, 'scheduled', d."createdAt" + (k - 1) * interval '1 minute', 40 + k * 13,
        'https://hooks.example.com/' || d."endpointId",
        json_build_object('content-type', 'application/json', 'webhook-id', d."id", 'webhook-timestamp', '1764633600', 'webhook-signature', 'v1,****')::jsonb,
        CASE WHEN d."status" = 'delivered' AND k = d."attempts" THEN 200 ELSE 500 END,
        '{"content-type":"text/plain"}'::jsonb,
        CASE WHEN d."status" = 'delivered' AND k = d."attempts" THEN 'ok' ELSE 'Internal Server Error' END,
        d."status" = 'delivered' AND k = d."attempts"
   FROM "WebhookDelivery" d CROSS JOIN LATERAL generate_series(1, d."attempts") AS k
  WHERE d."id" >= $1 AND d."id" <= $2
  ORDER BY d."createdAt", k`;

const tag = (n: number) => `sz${String(n).padStart(24, "0")}`; // ids shaped like real ones: msg_ and 26 characters


interface Captured {
  label: string;
  text: string;
  values: unknown[];
}

/** Records the statements Prisma sends through `pg` while `label` is set (for --explain). */
function captureStatements(): { start(label: string): void; stop(): void; statements: Captured[]; restore(): void } {
  const statements: Captured[] = [];
  let label: string | null = null;
  const original = pg.Client.prototype.query;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloaded query signature
  (pg.Client.prototype as any).query = function (this: pg.Client, config: any, values?: any, callback?: any) {
    if (label) {
      const text = typeof config === "string" ? config : config?.text;
      const params = typeof config === "string" ? values : (config?.values ?? values);
      if (typeof text === "string" && !/^\s*(BEGIN|COMMIT|ROLLBACK|SET|SAVEPOINT|RELEASE)/i.test(text)) statements.push({ label, text, values: Array.isArray(params) ? params : [] });
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- passing pg's arguments through
    return (original as any).call(this, config, values, callback);
  };
  return {
    start: (next) => void (label = next),
    stop: () => void (label = null),
    statements,
    restore: () => void (pg.Client.prototype.query = original),
  };
}

/**
 * Grows one database through `sizes` and times each measure at each size (median of `reps`).
 * The engine modules read their configuration from the environment: it is set before loading.
 */
async function runOnDatabase(mode: "postgres" | "embedded", databaseUrl: string | undefined, sizes: SizeLabel[], reps: number, log: (line: string) => void, explainTo?: string) {
  if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
  else {
    delete process.env.DATABASE_URL;
    process.env.DATA_DIR = "memory://";
  }
  process.env.LOG_LEVEL = "warn";
  process.env.DATABASE_POOL_SIZE = "10";
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  const { getDatabase, closeDatabase, prisma } = await import("@/lib/db");
  const { claimLeases } = await import("@/lib/webhooks/claim");
  const { listDeliveries, getDeliveryDetail } = await import("@/lib/webhooks/history");
  const { encodeHistoryCursor } = await import("@/lib/webhooks/history-filters");
  const { loadDashboard } = await import("@/lib/webhooks/metrics");
  const { pruneEventBatch, RETENTION_BATCH_SIZE } = await import("@/lib/webhooks/maintenance");
  const database = getDatabase();
  await database.migrate();
  const sql = <Row = Record<string, unknown>>(text: string, params: unknown[] = []) => database.withSession((session) => session.query<Row>(text, params));

  const organizations = Array.from({ length: ORGANIZATIONS }, (_, i) => `org_sz_${i}`);
  for (const [i, id] of organizations.entries()) {
    await prisma.organization.create({ data: { id, name: `Size ${i}`, slug: `size-${i}` } });
    for (let e = 0; e < ENDPOINTS_PER_ORGANIZATION; e++) {
      await sql(`INSERT INTO "WebhookEndpoint" ("id", "organizationId", "url", "secretEncrypted", "updatedAt") VALUES ($1, $2, $3, 'v1:size:bench', now())`, [`ep_sz_${i}_${e}`, id, `https://hooks.example.com/ep_sz_${i}_${e}`]);
    }
  }
  const org = organizations[0]!;
  const now = new Date();
  const table: SizeTable = {};
  const notes: Record<string, unknown> = {};
  const put = (measure: string, size: SizeLabel, value: number) => ((table[measure] ??= {})[size] = value);
  const time = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  const repeat = async (work: () => Promise<unknown>) => {
    await work(); // warm-up: plans cached, pages in memory
    const samples: number[] = [];
    for (let i = 0; i < reps; i++) {
      const started = performance.now();
      const inner = await work();
      samples.push(inner instanceof InnerTime ? inner.ms : performance.now() - started);
    }
    return median(samples);
  };
  /** Runs `work` in a transaction that is always rolled back; resolves with the ms `work` took. */
  const rolledBack = async (work: (tx: Parameters<Parameters<typeof prisma.$transaction>[0]>[0]) => Promise<unknown>) => {
    let ms = 0;
    await prisma
      .$transaction(
        async (tx) => {
          ms = await time(() => work(tx));
          throw new Rollback();
        },
        { timeout: 300_000, maxWait: 30_000 },
      )
      .catch((error) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return new InnerTime(ms);
  };

  let seeded = 0;
  const capture = explainTo && mode === "postgres" ? captureStatements() : undefined;
  try {
    for (const size of sizes) {
      const target = SIZES[size];
      const seedStarted = performance.now();
      const batch = mode === "postgres" ? 50_000 : 20_000;
      for (let from = seeded + 1; from <= target; from += batch) {
        const to = Math.min(target, from + batch - 1);
        await sql(SEED_SQL, [organizations, from, to, now.toISOString(), EVENT_TYPES]);
        await sql(SEED_ATTEMPTS_SQL, [`msg_${tag(from)}`, `msg_${tag(to)}`]);
      }
      seeded = target;
      await sql(`VACUUM ANALYZE`);
      const [counts] = await sql<{ deliveries: number; attempts: number; due: number; orgRows: number }>(
        `SELECT (SELECT count(*) FROM "WebhookDelivery")::int AS "deliveries", (SELECT count(*) FROM "WebhookAttempt")::int AS "attempts",
                (SELECT count(*) FROM "WebhookDelivery" WHERE "status" = 'pending' AND "nextAttemptAt" <= $1::timestamp(3))::int AS "due",
                (SELECT count(*) FROM "WebhookDelivery" WHERE "organizationId" = $2)::int AS "orgRows"`,
        [now.toISOString(), org],
      );
      notes[size] = { ...counts, seedSeconds: Math.round((performance.now() - seedStarted) / 100) / 10 };
      log(`${mode} ${size}: ${JSON.stringify(notes[size])}`);

      const explainNow = capture && size === sizes[sizes.length - 1];
      const measure = async (name: string, work: () => Promise<unknown>) => {
        if (explainNow) {
          capture.start(name);
          await work();
          capture.stop();
        }
        const ms = await repeat(work);
        put(name, size, ms);
        log(`  ${name.padEnd(28)} ${ms} ms`);
      };

      // The claim: limit 50 over the due backlog, rolled back so every repetition sees the same backlog.
      await measure("claimMs", () =>
        rolledBack((tx) => claimLeases(tx, { limit: 50, now, workerId: "size-bench", leaseSeconds: 60, endpointConcurrency: 1_000, organizationConcurrency: 0 })),
      );

      // The history list of the largest organization: first page, and a page half-way down its history.
      const [deep] = await sql<{ id: string; createdAt: Date }>(
        `SELECT "id", "createdAt" FROM "WebhookDelivery" WHERE "organizationId" = $1 ORDER BY "createdAt" DESC, "id" DESC OFFSET $2 LIMIT 1`,
        [org, Math.floor(Number(counts!.orgRows) / 2)],
      );
      const deepCursor = encodeHistoryCursor({ direction: "older", createdAt: new Date(deep!.createdAt), id: deep!.id });
      const filtered = { status: "failed", eventType: "invoice.payment_failed" } as const;
      await measure("historyFirstPageMs", () => listDeliveries({ organizationId: org, limit: 25 }));
      await measure("historyDeepPageMs", () => listDeliveries({ organizationId: org, limit: 25, cursor: deepCursor }));
      await measure("historyFirstPageFilteredMs", () => listDeliveries({ organizationId: org, limit: 25, ...filtered }));
      await measure("historyDeepPageFilteredMs", () => listDeliveries({ organizationId: org, limit: 25, cursor: deepCursor, ...filtered }));

      // A delivery's detail (its attempts included), one from the middle of the table.
      const [detail] = await sql<{ id: string }>(`SELECT "id" FROM "WebhookDelivery" WHERE "organizationId" = $1 AND "attempts" = 3 AND "id" >= $2 ORDER BY "id" LIMIT 1`, [org, `msg_${tag(Math.floor(target / 2))}`]);
      await measure("detailMs", () => getDeliveryDetail({ organizationId: org, deliveryId: detail!.id }));

      // The Delivery health page (one organization), for 24 h and 7 d.
      await measure("dashboardMs", () => loadDashboard({ organizationId: org, period: "24h", now: () => now }));
      await measure("dashboard7dMs", () => loadDashboard({ organizationId: org, period: "7d", now: () => now }));

      // One batch of the retention prune in the middle of a large prune (every event older than 7 days is due), rolled back.
      const cutoff = new Date(now.getTime() - RETENTION_DAYS * 86_400_000);
      await measure("pruneBatchMs", () => rolledBack((tx) => pruneEventBatch({ db: tx, cutoff, batchSize: RETENTION_BATCH_SIZE })));
    }
  } finally {
    capture?.restore();
  }

  if (capture && explainTo) {
    const lines: string[] = [];
    const seen = new Set<string>();
    for (const statement of capture.statements) {
      const key = `${statement.label}\n${statement.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const writes = /^\s*(WITH RECURSIVE|UPDATE|DELETE|INSERT)/i.test(statement.text) || /\bUPDATE\s+"WebhookDelivery"\s+d\s+SET/.test(statement.text);
      const plan = await database.withSession(async (session) => {
        if (writes) await session.exec("BEGIN");
        try {
          return await session.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
        } finally {
          if (writes) await session.exec("ROLLBACK");
        }
      });
      lines.push(`== ${statement.label} ==`, statement.text, `-- params: ${JSON.stringify(statement.values)}`, ...plan.map((row) => Object.values(row)[0]!), "");
    }
    writeFileSync(explainTo, lines.join("\n"));
    log(`wrote ${path.relative(root, explainTo)}`);
  }
  await closeDatabase();
  return { table, notes };
}

/**
 * Runs the size benchmark: PostgreSQL at `sizes` (when `databaseUrl` is given) and the embedded
 * database at `embeddedSizes`. Returns medians in ms (one decimal) by measure and size.
 */
export async function runSizeBench(options: SizeBenchOptions = {}): Promise<SizeBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const reps = options.reps ?? 7;
  const result: SizeBenchResult = { notes: {} };
  if (options.databaseUrl && (options.sizes ?? ["10k", "100k", "1M"]).length > 0) {
    const scratch = await scratchPostgres(options.databaseUrl, "webhooks_size");
    try {
      const run = await runOnDatabase("postgres", scratch.url, options.sizes ?? ["10k", "100k", "1M"], reps, log, options.explainTo);
      result.sizeScaling = run.table;
      result.notes.postgres = run.notes;
    } finally {
      await scratch.drop();
    }
  }
  const embeddedSizes = options.embeddedSizes ?? ["10k", "100k"];
  if (embeddedSizes.length > 0) {
    const run = await runOnDatabase("embedded", undefined, embeddedSizes, reps, log);
    result.embedded = run.table;
    result.notes.embedded = run.notes;
  }
  if (options.databaseUrl) process.env.DATABASE_URL = options.databaseUrl;
  return result;
}

function printTable(title: string, table: SizeTable | undefined) {
  if (!table) return;
  const sizes = Object.keys(SIZES) as SizeLabel[];
  const shown = sizes.filter((size) => Object.values(table).some((row) => row[size] !== undefined));
  console.log(`\n${title} (median ms)`);
  console.log(`  ${"measure".padEnd(28)}${shown.map((size) => size.padStart(10)).join("")}`);
  for (const [measure, row] of Object.entries(table)) console.log(`  ${measure.padEnd(28)}${shown.map((size) => String(row[size] ?? "").padStart(10)).join("")}`);
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const parseSizes = (value: string | undefined, fallback: SizeLabel[]): SizeLabel[] => {
    if (value === undefined) return fallback;
    const list = value.split(",").map((size) => size.trim()).filter((size) => size && size !== "none");
    for (const size of list) if (!(size in SIZES)) throw new Error(`unknown size ${size}: use ${Object.keys(SIZES).join(", ")}`);
    return list as SizeLabel[];
  };
  const only = flag("--only");
  const out = path.join(root, "bench-results");
  mkdirSync(out, { recursive: true });
  const result = await runSizeBench({
    databaseUrl: only === "embedded" ? undefined : process.env.DATABASE_URL,
    sizes: parseSizes(flag("--sizes"), ["10k", "100k", "1M"]),
    embeddedSizes: only === "postgres" ? [] : parseSizes(flag("--embedded-sizes"), ["10k", "100k"]),
    reps: flag("--reps") ? Number(flag("--reps")) : undefined,
    explainTo: args.includes("--explain") ? path.join(out, "bench-size-plans.txt") : undefined,
  });
  writeFileSync(path.join(out, "bench-size.json"), JSON.stringify(result, null, 2));
  printTable("PostgreSQL", result.sizeScaling);
  printTable("Embedded", result.embedded);
  console.log(`\nwrote ${path.relative(root, path.join(out, "bench-size.json"))}`);
  process.exit(0);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
