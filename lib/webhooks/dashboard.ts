import { prisma as sharedPrisma } from "@/lib/db";
import { listOpenAlerts, type AlertView } from "@/lib/webhooks/alerts";
import type { DbClient } from "@/lib/webhooks/db-types";
import {
  getDeliveriesByStatus,
  getMetricsSeries,
  getTopFailingEndpoints,
  getWebhookMetrics,
  type FailingEndpoint,
  type MetricsPeriod,
  type SeriesPoint,
  type WebhookMetrics,
} from "@/lib/webhooks/metrics";

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
  now?: Date;
  prisma?: DbClient;
}

/**
 * Everything the dashboard shows, from SQL aggregates only (no delivery rows
 * are loaded), with one `now` for all queries, so the tiles and the charts
 * count the same deliveries.
 */
export async function loadDashboard({ organizationId, period, now = new Date(), prisma }: LoadDashboardOptions): Promise<DashboardData> {
  const scope = { organizationId: organizationId ?? undefined, period, now, prisma };
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
