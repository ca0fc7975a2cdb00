import { prisma as sharedPrisma } from "@/lib/db";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { listOpenAlerts, type AlertView } from "@/lib/webhooks/alerting";
import { WebhookValidationError } from "@/lib/webhooks/errors";
import { DELIVERY_OUTCOMES, type DeliveryOutcome, heldSql, outcomeCaseSql, outcomeCountColumns, OUTCOME_PREDICATES, readOutcomeCounts } from "@/lib/webhooks/outcomes";

export const METRICS_PERIODS = { "1h": 3_600, "24h": 86_400, "7d": 604_800, "30d": 2_592_000 } as const;
export type MetricsPeriod = keyof typeof METRICS_PERIODS;

export interface MetricsOptions {
  /** One organization, or every organization when omitted (ops). */
  organizationId?: string;
  /**
   * Only this endpoint's deliveries (its page). Always together with `organizationId`: both must
   * match, so another organization's endpoint id counts nothing rather than that endpoint's data.
   */
  endpointId?: string;
  period?: MetricsPeriod;
  now?: () => Date;
  prisma?: DbClient;
}

/**
 * The classic guide's metrics, done in the database with the definitions of
 * lib/webhooks/outcomes.ts. Rates are percentages rounded to 2 decimals; times
 * are milliseconds from enqueue to delivered. Every field is a number (0 when
 * there is nothing to count, never NaN/null).
 */
export interface WebhookMetrics {
  period: MetricsPeriod;
  /** Deliveries created in the period, and of those, how many were delivered / failed for good (gave up). */
  total: number;
  successful: number;
  failed: number;
  /** Of the period's deliveries: still pending after failed scheduled attempts (retrying, or held after failing). */
  retrying: number;
  /** Of the period's deliveries: delivered + retrying + failed, what {@link successRate} divides by. */
  attempted: number;
  cancelled: number;
  /** Delivered of attempted (see SUCCESS_RATE_BASIS); 0 when nothing was attempted. */
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
  /** Pending deliveries held right now: their endpoint's circuit is open or its secret cannot be opened. */
  held: number;
  openCircuits: number;
  disabledEndpoints: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const percent = (part: number, whole: number) => (whole === 0 ? 0 : round2((part / whole) * 100));
const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

/** The organization and endpoint a query counts; an endpoint without its organization is refused, so no scope crosses tenants. */
function scopeOf(options: MetricsOptions): { org: string | null; endpoint: string | null } {
  if (options.endpointId !== undefined && !options.organizationId) {
    throw new WebhookValidationError("invalid_input", "An endpoint's metrics need its organization id");
  }
  return { org: options.organizationId ?? null, endpoint: options.endpointId ?? null };
}

/**
 * Computes {@link WebhookMetrics} with SQL aggregates (one pass over the
 * period's deliveries, by index), never by loading rows into memory. With
 * `endpointId`, every figure counts that endpoint only (its open circuit and
 * disabled state too); throws WebhookValidationError without `organizationId`.
 */
export async function getWebhookMetrics(options: MetricsOptions = {}): Promise<WebhookMetrics> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const { org, endpoint } = scopeOf(options);

  const [window, backlog, recent, endpoints] = await Promise.all([
    db.$queryRawUnsafe<Record<string, unknown>[]>(
      `WITH d AS (
         SELECT "status", "attempts", EXTRACT(EPOCH FROM ("deliveredAt" - "createdAt")) * 1000 AS "ms"
           FROM "WebhookDelivery"
          WHERE ($1::text IS NULL OR "organizationId" = $1) AND ($4::text IS NULL OR "endpointId" = $4)
            AND "createdAt" >= $2::timestamp(3) AND "createdAt" <= $3::timestamp(3)
       )
       SELECT ${outcomeCountColumns("d")},
              count(*) FILTER (WHERE "attempts" > 1)::int AS "retried",
              avg("ms") FILTER (WHERE "status" = 'delivered') AS "avgMs",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY "ms") FILTER (WHERE "status" = 'delivered') AS "p50",
              percentile_cont(0.95) WITHIN GROUP (ORDER BY "ms") FILTER (WHERE "status" = 'delivered') AS "p95",
              avg("attempts") FILTER (WHERE "attempts" > 0) AS "avgAttempts"
         FROM d`,
      org,
      sqlTime(since),
      sqlTime(now),
      endpoint,
    ),
    // The backlog counted per endpoint from the (endpointId, status) index alone, and its oldest
    // row by one probe of (organizationId, status, createdAt): no delivery row is read, however deep the backlog.
    db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT COALESCE(sum(p."count"), 0)::int AS "pending",
              COALESCE(sum(p."count") FILTER (WHERE ${heldSql("e", "c")}), 0)::int AS "held",
              (SELECT min(o."createdAt") FROM "WebhookDelivery" o
                WHERE ($1::text IS NULL OR o."organizationId" = $1) AND ($2::text IS NULL OR o."endpointId" = $2) AND o."status" = 'pending') AS "oldest"
         FROM "WebhookEndpoint" e
         LEFT JOIN "WebhookCircuit" c ON c."key" = e."id"
        CROSS JOIN LATERAL (SELECT count(*) AS "count" FROM "WebhookDelivery" d WHERE d."endpointId" = e."id" AND d."status" = 'pending') p
        WHERE ($1::text IS NULL OR e."organizationId" = $1) AND ($2::text IS NULL OR e."id" = $2)`,
      org,
      endpoint,
    ),
    db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT count(*)::int AS "failed"
         FROM "WebhookDelivery"
        WHERE ($1::text IS NULL OR "organizationId" = $1) AND ($3::text IS NULL OR "endpointId" = $3)
          AND "status" = 'failed' AND "createdAt" >= $2::timestamp(3)`,
      org,
      sqlTime(dayAgo),
      endpoint,
    ),
    db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT count(*) FILTER (WHERE e."status" = 'disabled' AND e."kind" = 'http')::int AS "disabled",
              count(c."key") FILTER (WHERE c."state" <> 'closed')::int AS "openCircuits"
         FROM "WebhookEndpoint" e
         LEFT JOIN "WebhookCircuit" c ON c."key" = e."id"
        WHERE ($1::text IS NULL OR e."organizationId" = $1) AND ($2::text IS NULL OR e."id" = $2)`,
      org,
      endpoint,
    ),
  ]);
  const w = window[0] ?? {};
  const counts = readOutcomeCounts(w);
  const total = counts.total;
  const oldest = backlog[0]?.oldest as Date | null | undefined;
  return {
    period,
    total,
    successful: counts.delivered,
    failed: counts.failed,
    retrying: counts.failing,
    attempted: counts.attempted,
    cancelled: counts.cancelled,
    successRate: counts.successRate ?? 0,
    avgDeliveryTimeMs: round2(num(w.avgMs)),
    retryRate: percent(num(w.retried), total),
    pending: num(backlog[0]?.pending),
    oldestPendingAgeSeconds: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : 0,
    p50DeliveryTimeMs: round2(num(w.p50)),
    p95DeliveryTimeMs: round2(num(w.p95)),
    avgAttempts: round2(num(w.avgAttempts)),
    failedLast24h: num(recent[0]?.failed),
    held: num(backlog[0]?.held),
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
  /** Still pending after failed scheduled attempts. */
  retrying: number;
  /** Delivered + retrying + failed: what `successRate` divides by. */
  attempted: number;
  /** Delivered of attempted (the one definition in lib/webhooks/outcomes.ts); null when nothing was attempted. */
  successRate: number | null;
  p95DeliveryTimeMs: number | null;
}

/**
 * Deliveries per time bucket (for charts): counts, success rate and p95 time to delivery;
 * one endpoint's with `endpointId` (and its `organizationId`, as for {@link getWebhookMetrics}).
 */
export async function getMetricsSeries(options: MetricsOptions = {}): Promise<SeriesPoint[]> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const bucket = SERIES_BUCKET_SECONDS[period];
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const { org, endpoint } = scopeOf(options);
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT to_timestamp(floor(EXTRACT(EPOCH FROM d."createdAt") / $4) * $4) AT TIME ZONE 'UTC' AS "at",
            ${outcomeCountColumns("d")},
            percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("deliveredAt" - "createdAt")) * 1000)
              FILTER (WHERE "status" = 'delivered') AS "p95"
       FROM "WebhookDelivery" d
      WHERE ($1::text IS NULL OR d."organizationId" = $1) AND ($5::text IS NULL OR d."endpointId" = $5)
        AND d."createdAt" >= $2::timestamp(3) AND d."createdAt" <= $3::timestamp(3)
      GROUP BY 1 ORDER BY 1`,
    org,
    sqlTime(since),
    sqlTime(now),
    bucket,
    endpoint,
  );
  const byBucket = new Map(rows.map((row) => [new Date(row.at as Date).getTime(), row]));
  const points: SeriesPoint[] = [];
  const first = Math.floor(since.getTime() / 1000 / bucket) * bucket * 1000;
  for (let at = first; at <= now.getTime(); at += bucket * 1000) {
    const row = byBucket.get(at);
    const counts = readOutcomeCounts(row);
    points.push({
      at: new Date(at).toISOString(),
      total: counts.total,
      successful: counts.delivered,
      failed: counts.failed,
      retrying: counts.failing,
      attempted: counts.attempted,
      successRate: counts.successRate,
      p95DeliveryTimeMs: row?.p95 === null || row?.p95 === undefined ? null : round2(num(row.p95)),
    });
  }
  return points;
}

export interface FailingEndpoint {
  endpointId: string;
  url: string;
  organizationId: string;
  /** The endpoint's deliveries created in the period. */
  total: number;
  /** Of those, delivered + retrying + failed (what the rates divide by). */
  attempted: number;
  /** Not delivered: retrying plus gave up. */
  failed: number;
  retrying: number;
  gaveUp: number;
  /** Not delivered of attempted: exactly 100 minus the endpoint's success rate. */
  failureRate: number;
}

/** Endpoints with the most deliveries not delivered (retrying or given up) in the period. */
export async function getTopFailingEndpoints(options: MetricsOptions & { limit?: number } = {}): Promise<FailingEndpoint[]> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT d."endpointId", e."url", e."organizationId", ${outcomeCountColumns("d")}
       FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
      WHERE ($1::text IS NULL OR d."organizationId" = $1) AND d."createdAt" >= $2::timestamp(3) AND d."createdAt" <= $4::timestamp(3)
      GROUP BY d."endpointId", e."url", e."organizationId"
     HAVING count(*) FILTER (WHERE ${OUTCOME_PREDICATES.failed("d")} OR ${OUTCOME_PREDICATES.failing("d")}) > 0
      ORDER BY count(*) FILTER (WHERE ${OUTCOME_PREDICATES.failed("d")} OR ${OUTCOME_PREDICATES.failing("d")}) DESC, "attempted" DESC
      LIMIT $3`,
    options.organizationId ?? null,
    sqlTime(since),
    options.limit ?? 5,
    sqlTime(now),
  );
  return rows.map((row) => {
    const counts = readOutcomeCounts(row);
    return {
      endpointId: String(row.endpointId),
      url: String(row.url),
      organizationId: String(row.organizationId),
      total: counts.total,
      attempted: counts.attempted,
      failed: counts.failing + counts.failed,
      retrying: counts.failing,
      gaveUp: counts.failed,
      failureRate: round2(100 - (counts.successRate ?? 100)),
    };
  });
}

/** Deliveries of the period by derived outcome (lib/webhooks/outcomes.ts): held and retrying apart from pending. */
export async function getDeliveriesByOutcome(options: MetricsOptions = {}): Promise<Record<DeliveryOutcome, number>> {
  const db = options.prisma ?? sharedPrisma;
  const period = options.period ?? "7d";
  const now = options.now?.() ?? new Date();
  const since = new Date(now.getTime() - METRICS_PERIODS[period] * 1000);
  const rows = await db.$queryRawUnsafe<{ outcome: DeliveryOutcome; count: number }[]>(
    `SELECT ${outcomeCaseSql("d", "e", "c")} AS "outcome", count(*)::int AS "count"
       FROM "WebhookDelivery" d
       JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
       LEFT JOIN "WebhookCircuit" c ON c."key" = d."endpointId"
      WHERE ($1::text IS NULL OR d."organizationId" = $1) AND d."createdAt" >= $2::timestamp(3) AND d."createdAt" <= $3::timestamp(3)
      GROUP BY 1`,
    options.organizationId ?? null,
    sqlTime(since),
    sqlTime(now),
  );
  const result = Object.fromEntries(DELIVERY_OUTCOMES.map((outcome) => [outcome, 0])) as Record<DeliveryOutcome, number>;
  for (const row of rows) result[row.outcome] = num(row.count);
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
  /** Still pending after failed scheduled attempts. */
  retrying: number;
  /** Delivered + retrying + failed: what `successRate` divides by. */
  attempted: number;
  /** Deliveries waiting right now, whatever their age (like the backlog tile). */
  pending: number;
  /** Delivered of attempted, in percent (2 decimals); null when nothing was attempted. */
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
       SELECT "organizationId", "status", "attempts",
              ("createdAt" >= $1::timestamp(3) AND "createdAt" <= $2::timestamp(3)) AS "inPeriod"
         FROM "WebhookDelivery"
        WHERE ("createdAt" >= $1::timestamp(3) AND "createdAt" <= $2::timestamp(3)) OR "status" = 'pending'
     )
     SELECT o."id" AS "id", o."name" AS "name",
            ${outcomeCountColumns("d", { where: `d."inPeriod"` })},
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
    const counts = readOutcomeCounts(row);
    return {
      id: String(row.id),
      name: String(row.name),
      total: counts.total,
      delivered: counts.delivered,
      failed: counts.failed,
      retrying: counts.failing,
      attempted: counts.attempted,
      pending: num(row.pending),
      successRate: counts.successRate,
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
  byOutcome: Awaited<ReturnType<typeof getDeliveriesByOutcome>>;
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
  const [metrics, series, byOutcome, failing, alerts] = await Promise.all([
    getWebhookMetrics(scope),
    getMetricsSeries(scope),
    getDeliveriesByOutcome(scope),
    getTopFailingEndpoints({ ...scope, limit: TOP_FAILING_LIMIT }),
    listOpenAlerts({ organizationId: organizationId ?? undefined, limit: OPEN_ALERTS_LIMIT, prisma }),
  ]);
  let organizationNames: Record<string, string> = {};
  if (organizationId === null) {
    const ids = [...failing.map((row) => row.organizationId), ...alerts.flatMap((alert) => (alert.organizationId ? [alert.organizationId] : []))];
    organizationNames = await organizationNamesOf(ids, prisma);
  }
  return { period, organizationId, metrics, series, byOutcome, failing, alerts, organizationNames };
}

/** Organization names by id, for the ids given (duplicates allowed); unknown ids are left out. */
async function organizationNamesOf(ids: readonly string[], prisma: DbClient = sharedPrisma): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return {};
  const organizations = await prisma.organization.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } });
  return Object.fromEntries(organizations.map((organization) => [organization.id, organization.name]));
}
