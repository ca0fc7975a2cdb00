/**
 * `npm run bench:metrics [-- --rows 1000000]`: seeds a database with N delivery
 * rows spread over 30 days, then times the metrics endpoint's SQL aggregates
 * against the classic guide's approach (load the period's rows, compute in
 * JavaScript), in one run, and prints the ratio. Uses DATABASE_URL's server
 * (in a scratch database it drops afterwards) or an in-memory PGlite.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "@/lib/database/connect";
import { getWebhookMetrics, type MetricsPeriod } from "@/lib/webhooks/metrics";

const args = process.argv.slice(2);
const rows = Number(args[args.indexOf("--rows") + 1] ?? 0) || 1_000_000;
const NOW = new Date("2026-11-28T12:00:00.000Z");

async function scratch(): Promise<{ database: Database; drop: () => Promise<void>; mode: string }> {
  const admin = process.env.DATABASE_URL;
  if (!admin) return { database: openDatabase({ dataDir: "memory://" }), drop: async () => {}, mode: "embedded (PGlite)" };
  const name = `webhooks_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}"`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    database: openDatabase({ url: url.toString(), dataDir: "" }),
    mode: "PostgreSQL",
    drop: async () => {
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}

async function time<T>(run: () => Promise<T>, repeat = 5): Promise<{ medianMs: number; result: T }> {
  const samples: number[] = [];
  let result!: T;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    result = await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: Math.round(samples[Math.floor(samples.length / 2)]! * 10) / 10, result };
}

async function main() {
  const { database, drop, mode } = await scratch();
  const prisma = database.prisma;
  try {
    await database.migrate();
    const seedStarted = performance.now();
    await prisma.$executeRawUnsafe(`INSERT INTO "Organization" (id, name, slug) VALUES ('org_bench', 'Bench', 'bench'), ('org_other', 'Other', 'other')`);
    await prisma.$executeRawUnsafe(
      `INSERT INTO "WebhookEndpoint" (id, "organizationId", url, "secretEncrypted", "updatedAt") VALUES ('ep_bench', 'org_bench', 'https://example.com', 'x', now()), ('ep_other', 'org_other', 'https://example.org', 'x', now())`,
    );
    // 90 % of rows in the measured organization, spread evenly over 30 days.
    await prisma.$executeRawUnsafe(
      `INSERT INTO "WebhookEvent" (id, "organizationId", "eventType", "idempotencyKey", body, "createdAt")
       SELECT 'evt_' || i, CASE WHEN i % 10 = 0 THEN 'org_other' ELSE 'org_bench' END, 'invoice.paid', 'k' || i, '{}',
              $1::timestamp(3) - (i % 2592000) * interval '1 second'
         FROM generate_series(1, $2::int) AS i`,
      NOW.toISOString(),
      rows,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO "WebhookDelivery" (id, "organizationId", "eventId", "endpointId", event, "idempotencyKey", status, attempts, "createdAt", "deliveredAt", "updatedAt", "nextAttemptAt")
       SELECT 'msg_' || i, CASE WHEN i % 10 = 0 THEN 'org_other' ELSE 'org_bench' END, 'evt_' || i,
              CASE WHEN i % 10 = 0 THEN 'ep_other' ELSE 'ep_bench' END, 'invoice.paid', 'k' || i,
              (CASE WHEN i % 50 = 0 THEN 'failed' WHEN i % 97 = 0 THEN 'pending' ELSE 'delivered' END)::"DeliveryStatus",
              1 + (i % 3), $1::timestamp(3) - (i % 2592000) * interval '1 second',
              CASE WHEN i % 50 = 0 OR i % 97 = 0 THEN NULL ELSE $1::timestamp(3) - (i % 2592000) * interval '1 second' + (i % 900) * interval '1 millisecond' END,
              now(), CASE WHEN i % 97 = 0 THEN $1::timestamp(3) ELSE NULL END
         FROM generate_series(1, $2::int) AS i`,
      NOW.toISOString(),
      rows,
    );
    await prisma.$executeRawUnsafe(`ANALYZE`);
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;

    const periods: MetricsPeriod[] = ["1h", "24h", "7d", "30d"];
    const sql: Record<string, number> = {};
    for (const period of periods) {
      sql[period] = (await time(() => getWebhookMetrics({ organizationId: "org_bench", period, now: () => NOW, prisma }))).medianMs;
    }
    // The classic guide: fetch the period's deliveries, then count and average in JavaScript.
    const naive = await time(async () => {
      const since = new Date(NOW.getTime() - 7 * 86_400_000);
      const list = await prisma.webhookDelivery.findMany({ where: { organizationId: "org_bench", createdAt: { gte: since } } });
      const delivered = list.filter((d) => d.status === "delivered");
      return { total: list.length, avg: delivered.reduce((sum, d) => sum + (d.deliveredAt!.getTime() - d.createdAt.getTime()), 0) / delivered.length };
    }, 1);
    const check = await getWebhookMetrics({ organizationId: "org_bench", period: "7d", now: () => NOW, prisma });

    const result = {
      mode,
      rows,
      seedSeconds,
      sqlMedianMs: sql,
      naive7dMs: naive.medianMs,
      naiveRows: naive.result.total,
      speedup7d: Math.round((naive.medianMs / sql["7d"]!) * 10) / 10,
      sameTotal: naive.result.total === check.total,
    };
    console.log(`\nMetrics over ${rows.toLocaleString("en")} delivery rows (${mode}); seeded in ${seedSeconds} s`);
    console.log("period  SQL aggregate (median of 5)");
    for (const period of periods) console.log(`${period.padEnd(7)} ${String(sql[period]).padStart(9)} ms`);
    console.log(`classic guide (load ${naive.result.total.toLocaleString("en")} rows, 7d): ${naive.medianMs} ms → SQL is ${result.speedup7d}× faster; totals agree: ${result.sameTotal}`);
    const out = path.resolve("bench-results");
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, `metrics-${mode.startsWith("Postgre") ? "postgres" : "embedded"}.json`), JSON.stringify(result, null, 2));
  } finally {
    await database.close();
    await drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
