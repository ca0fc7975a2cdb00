import { prisma as sharedPrisma } from "@/lib/db";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { listOpenAlerts, type AlertView } from "@/lib/webhooks/alerting";

export const METRICS_PERIODS = { "1h": 3_600, "24h": 86_400, "7d": 604_800, "30d": 2_592_000 } as const;
export type MetricsPeriod = keyof typeof METRICS_PERIODS;

export interface MetricsOptions {
  /** One organization, or every organization when omitted (ops). */
  organizationId?: string;
  period?: MetricsPeriod;
  now?: () => Date;
  prisma?: DbClient;
}

/**
 * The classic guide's metrics, done in the database. Rates are percentages
 * rounded to 2 decimals; times are milliseconds from enqueue to delivered.
 * Every field is a number (0 when there is nothing to count, never NaN/null).
 */
export interface WebhookMetrics {
  period: MetricsPeriod;
  /** Deliveries created in the period, and of those, how many were delivered / failed for good. */
  total: number;
  successful: number;
  failed: number;
  successRate: number;
  avgDeliveryTimeMs: number;
  /** Share of the period's deliveries that needed more than one attempt. */
  retryRate: number;
  /** Deliveries waiting for an attempt right now, whatever their age. */
  pending: number;
  oldestPendingAgeSeconds: number;
  p50DeliveryTimeMs: number;
  p95DeliveryTimeMs: number;
  /** Mean attempts per attempted delivery in the period. */
  avgAttempts: number;
  failedLast24h: number;
  openCircuits: number;
  disabledEndpoints: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const percent = (part: number, whole: number) => (whole === 0 ? 0 : round2((part / whole) * 100));
const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

/**
 * Computes {@link WebhookMetrics} with SQL aggregates (one pass over the
 * period's deliveries, by index), never by loading rows into memory.
 */
export async function getWebhookMetrics(options: MetricsOptions = {}): Promise<WebhookMetrics> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const org = options.organizationId ?? null;

  const [window, backlog, recent, endpoints] = await Promise.all([
    db.$queryRawUnsafe<Record<string, unknown>[]>(
      `WITH d AS (
         SELECT "status", "attempts", EXTRACT(EPOCH FROM ("deliveredAt" - "createdAt")) * 1000 AS "ms"
           FROM "WebhookDelivery"
          WHERE ($1::text IS NULL OR "organizationId" = $1) AND "createdAt" >= $2::timestamp(3) AND "createdAt" <= $3::timestamp(3)
       )
       SELECT count(*)::int AS "total",
              count(*) FILTER (WHERE "status" = 'delivered')::int AS "successful",
              count(*) FILTER (WHERE "status" = 'failed')::int AS "failed",
              count(*) FILTER (WHERE "attempts" > 1)::int AS "retried",
              avg("ms") FILTER (WHERE "status" = 'delivered') AS "avgMs",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY "ms") FILTER (WHERE "status" = 'delivered') AS "p50",
              percentile_cont(0.95) WITHIN GROUP (ORDER BY "ms") FILTER (WHERE "status" = 'delivered') AS "p95",
              avg("attempts") FILTER (WHERE "attempts" > 0) AS "avgAttempts"
         FROM d`,
      org,
      sqlTime(since),
      sqlTime(now),
    ),
    db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT count(*)::int AS "pending", min("createdAt") AS "oldest"
         FROM "WebhookDelivery"
        WHERE ($1::text IS NULL OR "organizationId" = $1) AND "status" = 'pending'`,
      org,
    ),
    db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT count(*)::int AS "failed"
         FROM "WebhookDelivery"
        WHERE ($1::text IS NULL OR "organizationId" = $1) AND "status" = 'failed' AND "createdAt" >= $2::timestamp(3)`,
      org,
      sqlTime(dayAgo),
    ),
    db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT count(*) FILTER (WHERE e."status" = 'disabled')::int AS "disabled",
              count(c."key") FILTER (WHERE c."state" <> 'closed')::int AS "openCircuits"
         FROM "WebhookEndpoint" e
         LEFT JOIN "WebhookCircuit" c ON c."key" = e."id"
        WHERE ($1::text IS NULL OR e."organizationId" = $1)`,
      org,
    ),
  ]);
  const w = window[0] ?? {};
  const total = num(w.total);
  const successful = num(w.successful);
  const oldest = backlog[0]?.oldest as Date | null | undefined;
  return {
    period,
    total,
    successful,
    failed: num(w.failed),
    successRate: percent(successful, total),
    avgDeliveryTimeMs: round2(num(w.avgMs)),
    retryRate: percent(num(w.retried), total),
    pending: num(backlog[0]?.pending),
    oldestPendingAgeSeconds: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : 0,
    p50DeliveryTimeMs: round2(num(w.p50)),
    p95DeliveryTimeMs: round2(num(w.p95)),
    avgAttempts: round2(num(w.avgAttempts)),
    failedLast24h: num(recent[0]?.failed),
    openCircuits: num(endpoints[0]?.openCircuits),
    disabledEndpoints: num(endpoints[0]?.disabled),
  };
}

/** Bucket width of the dashboard charts for each period. */
export const SERIES_BUCKET_SECONDS: Record<MetricsPeriod, number> = { "1h": 300, "24h": 3_600, "7d": 21_600, "30d": 86_400 };

export interface SeriesPoint {
  at: string;
  total: number;
  successful: number;
  failed: number;
  successRate: number | null;
  p95DeliveryTimeMs: number | null;
}

/** Deliveries per time bucket (for charts): counts, success rate and p95 time to delivery. */
export async function getMetricsSeries(options: MetricsOptions = {}): Promise<SeriesPoint[]> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const bucket = SERIES_BUCKET_SECONDS[period];
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT to_timestamp(floor(EXTRACT(EPOCH FROM "createdAt") / $4) * $4) AT TIME ZONE 'UTC' AS "at",
            count(*)::int AS "total",
            count(*) FILTER (WHERE "status" = 'delivered')::int AS "successful",
            count(*) FILTER (WHERE "status" = 'failed')::int AS "failed",
            percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("deliveredAt" - "createdAt")) * 1000)
              FILTER (WHERE "status" = 'delivered') AS "p95"
       FROM "WebhookDelivery"
      WHERE ($1::text IS NULL OR "organizationId" = $1) AND "createdAt" >= $2::timestamp(3) AND "createdAt" <= $3::timestamp(3)
      GROUP BY 1 ORDER BY 1`,
    options.organizationId ?? null,
    sqlTime(since),
    sqlTime(now),
    bucket,
  );
  const byBucket = new Map(rows.map((row) => [new Date(row.at as Date).getTime(), row]));
  const points: SeriesPoint[] = [];
  const first = Math.floor(since.getTime() / 1000 / bucket) * bucket * 1000;
  for (let at = first; at <= now.getTime(); at += bucket * 1000) {
    const row = byBucket.get(at);
    const total = num(row?.total);
    const successful = num(row?.successful);
    const failed = num(row?.failed);
    points.push({
      at: new Date(at).toISOString(),
      total,
      successful,
      failed,
      successRate: successful + failed === 0 ? null : percent(successful, successful + failed),
      p95DeliveryTimeMs: row?.p95 === null || row?.p95 === undefined ? null : round2(num(row.p95)),
    });
  }
  return points;
}

export interface FailingEndpoint {
  endpointId: string;
  url: string;
  organizationId: string;
  total: number;
  failed: number;
  failureRate: number;
}

/** Endpoints with the most failed deliveries in the period. */
export async function getTopFailingEndpoints(options: MetricsOptions & { limit?: number } = {}): Promise<FailingEndpoint[]> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT d."endpointId", e."url", e."organizationId", count(*)::int AS "total",
            count(*) FILTER (WHERE d."status" = 'failed' OR (d."status" = 'pending' AND d."attempts" > 0))::int AS "failed"
       FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
      WHERE ($1::text IS NULL OR d."organizationId" = $1) AND d."createdAt" >= $2::timestamp(3)
      GROUP BY d."endpointId", e."url", e."organizationId"
     HAVING count(*) FILTER (WHERE d."status" = 'failed' OR (d."status" = 'pending' AND d."attempts" > 0)) > 0
      ORDER BY "failed" DESC, "total" DESC
      LIMIT $3`,
    options.organizationId ?? null,
    sqlTime(since),
    options.limit ?? 5,
  );
  return rows.map((row) => ({
    endpointId: String(row.endpointId),
    url: String(row.url),
    organizationId: String(row.organizationId),
    total: num(row.total),
    failed: num(row.failed),
    failureRate: percent(num(row.failed), num(row.total)),
  }));
}

/** Deliveries of the period by status. */
export async function getDeliveriesByStatus(options: MetricsOptions = {}): Promise<Record<"pending" | "delivered" | "failed" | "cancelled", number>> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const rows = await db.$queryRawUnsafe<{ status: string; count: number }[]>(
    `SELECT "status"::text AS "status", count(*)::int AS "count" FROM "WebhookDelivery"
      WHERE ($1::text IS NULL OR "organizationId" = $1) AND "createdAt" >= $2::timestamp(3)
      GROUP BY 1`,
    options.organizationId ?? null,
    sqlTime(since),
  );
  const result = { pending: 0, delivered: 0, failed: 0, cancelled: 0 };
  for (const row of rows) result[row.status as keyof typeof result] = num(row.count);
  return result;
}

/** How many organizations {@link getOrganizationTotals} returns unless told otherwise (the ops table). */
export const BUSIEST_ORGANIZATIONS_LIMIT = 20;

export interface OrganizationTotals {
  id: string;
  name: string;
  /** Deliveries created in the period, and of those, delivered / failed for good. */
  total: number;
  delivered: number;
  failed: number;
  /** Deliveries waiting right now, whatever their age (like the backlog tile). */
  pending: number;
  /** Delivered of `total`, in percent (2 decimals); null when `total` is 0. */
  successRate: number | null;
}

/**
 * The organizations with the most deliveries in the period, busiest first, in
 * one SQL aggregate over WebhookDelivery joined to Organization (no delivery
 * row is loaded). Organizations whose only deliveries are old pending ones are
 * included too (total 0), so a stuck backlog is never hidden. Every
 * organization: for platform operators only.
 */
export async function getOrganizationTotals(options: Omit<MetricsOptions, "organizationId"> & { limit?: number } = {}): Promise<OrganizationTotals[]> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `WITH d AS (
       SELECT "organizationId", "status",
              ("createdAt" >= $1::timestamp(3) AND "createdAt" <= $2::timestamp(3)) AS "inPeriod"
         FROM "WebhookDelivery"
        WHERE ("createdAt" >= $1::timestamp(3) AND "createdAt" <= $2::timestamp(3)) OR "status" = 'pending'
     )
     SELECT o."id" AS "id", o."name" AS "name",
            count(*) FILTER (WHERE d."inPeriod")::int AS "total",
            count(*) FILTER (WHERE d."inPeriod" AND d."status" = 'delivered')::int AS "delivered",
            count(*) FILTER (WHERE d."inPeriod" AND d."status" = 'failed')::int AS "failed",
            count(*) FILTER (WHERE d."status" = 'pending')::int AS "pending"
       FROM d
       JOIN "Organization" o ON o."id" = d."organizationId"
      GROUP BY o."id", o."name"
      ORDER BY "total" DESC, "pending" DESC, o."name" ASC
      LIMIT $3`,
    sqlTime(since),
    sqlTime(now),
    options.limit ?? BUSIEST_ORGANIZATIONS_LIMIT,
  );
  return rows.map((row) => {
    const total = num(row.total);
    const delivered = num(row.delivered);
    return {
      id: String(row.id),
      name: String(row.name),
      total,
      delivered,
      failed: num(row.failed),
      pending: num(row.pending),
      successRate: total === 0 ? null : Math.round((delivered / total) * 10_000) / 100,
    };
  });
}

/** How many endpoints "Top failing endpoints" lists. */
export const TOP_FAILING_LIMIT = 5;
/** How many open alerts the dashboard shows. */
export const OPEN_ALERTS_LIMIT = 20;

/** Everything the delivery-health dashboard shows, for one organization or for all of them. */
export interface DashboardData {
  period: MetricsPeriod;
  /** null: every organization (ops). */
  organizationId: string | null;
  metrics: WebhookMetrics;
  series: SeriesPoint[];
  byStatus: Awaited<ReturnType<typeof getDeliveriesByStatus>>;
  failing: FailingEndpoint[];
  alerts: AlertView[];
  /** Names of the organizations that appear in `failing` and `alerts`; only filled for every organization. */
  organizationNames: Record<string, string>;
}

export interface LoadDashboardOptions {
  /** One organization (from the session), or null for every organization (ops only). */
  organizationId: string | null;
  period: MetricsPeriod;
  now?: () => Date;
  prisma?: DbClient;
}

/**
 * Everything the dashboard shows, from SQL aggregates only (no delivery rows
 * are loaded), with one `now` for all queries, so the tiles and the charts
 * count the same deliveries.
 */
export async function loadDashboard({ organizationId, period, now: clock, prisma }: LoadDashboardOptions): Promise<DashboardData> {
  const now = clock?.() ?? new Date();
  const scope = { organizationId: organizationId ?? undefined, period, now: () => now, prisma };
  const [metrics, series, byStatus, failing, alerts] = await Promise.all([
    getWebhookMetrics(scope),
    getMetricsSeries(scope),
    getDeliveriesByStatus(scope),
    getTopFailingEndpoints({ ...scope, limit: TOP_FAILING_LIMIT }),
    listOpenAlerts({ organizationId: organizationId ?? undefined, limit: OPEN_ALERTS_LIMIT, prisma }),
  ]);
  let organizationNames: Record<string, string> = {};
  if (organizationId === null) {
    const ids = [...failing.map((row) => row.organizationId), ...alerts.flatMap((alert) => (alert.organizationId ? [alert.organizationId] : []))];
    organizationNames = await organizationNamesOf(ids, prisma);
  }
  return { period, organizationId, metrics, series, byStatus, failing, alerts, organizationNames };
}

/** Organization names by id, for the ids given (duplicates allowed); unknown ids are left out. */
async function organizationNamesOf(ids: readonly string[], prisma: DbClient = sharedPrisma): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return {};
  const organizations = await prisma.organization.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } });
  return Object.fromEntries(organizations.map((organization) => [organization.id, organization.name]));
}
