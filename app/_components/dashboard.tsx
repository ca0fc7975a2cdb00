import "server-only";
import Link from "next/link";
import type { ReactNode } from "react";
import type { AlertView } from "@/lib/webhooks/alerting";
import { type DashboardData, type FailingEndpoint, loadDashboard, METRICS_PERIODS, type MetricsPeriod, SERIES_BUCKET_SECONDS, type WebhookMetrics } from "@/lib/webhooks/metrics";
import { displayUrl } from "@/lib/webhooks/endpoints";
import { Badge } from "./badge";
import { OUTCOME_DESCRIPTIONS, OUTCOME_LABELS } from "./delivery-state";
import { PERIOD_LABELS, summarizeP95, summarizeSuccessRate } from "./dashboard-text";
import { EmptyState } from "./empty-state";
import { formatAge, formatCount, formatDurationMs, formatPercent, urlHost } from "./format";
import { linkClass } from "./link-class";
import { RelativeTime } from "./relative-time";
import { SeriesChart } from "./series-chart";
import { StatTile } from "./stat-tile";
import { cardClassName } from "./card";

/** Text colour for a success rate in percent: green from 95, amber from 80, red below. */
export function rateTone(rate: number): string {
  return rate >= 95 ? "text-emerald-700" : rate >= 80 ? "text-amber-700" : "text-red-700";
}

export interface DashboardProps {
  /** The organization the page shows (from its URL), or null for every organization (ops only). Required so "all" is never an accident. */
  organizationId: string | null;
  period: MetricsPeriod;
  /** The page the dashboard is on: its period links point to it. */
  basePath: string;
  /** Where endpoint links go below (`<endpointsPath>/<id>`); `basePath` when left out. */
  endpointsPath?: string;
  /** Show endpoints by host and path (owners and admins); otherwise by host only (URLs often carry tokens). */
  fullUrls?: boolean;
}

/** The delivery-health dashboard of one organization (or of all, for ops) over a period. Loads its own data. */
export async function Dashboard({ organizationId, period, basePath, endpointsPath, fullUrls }: DashboardProps) {
  const data = await loadDashboard({ organizationId, period });
  return <DashboardView data={data} basePath={basePath} endpointsPath={endpointsPath} fullUrls={fullUrls} />;
}

/** Links to the same page with `?period=…`: work without JavaScript, one tab stop each. */
export function PeriodNav({ period, basePath }: { period: MetricsPeriod; basePath: string }) {
  return (
    <nav aria-label="Dashboard period">
      <ul className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 text-sm shadow-sm">
        {(Object.keys(METRICS_PERIODS) as MetricsPeriod[]).map((option) => {
          const current = option === period;
          return (
            <li key={option}>
              <Link
                href={`${basePath}?period=${option}`}
                scroll={false}
                aria-current={current ? "page" : undefined}
                className={`block rounded px-3 py-1 font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 ${
                  current ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100"
                }`}
              >
                {PERIOD_LABELS[option].short}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/**
 * The stat tiles: volume, success, speed, backlog and — for an organization — the state of
 * its endpoints (`scope="endpoint"` leaves those out: one endpoint's page shows its own badge).
 * Every figure comes from the one definition in lib/webhooks/outcomes.ts: the success rate
 * divides delivered by attempted (delivered + retrying + gave up), and says so.
 */
export function StatTiles({ metrics, scope = "organization" }: { metrics: WebhookMetrics; scope?: "organization" | "endpoint" }) {
  const any = metrics.attempted > 0;
  return (
    <dl className="grid grid-cols-2 gap-4 md:grid-cols-4" aria-label={scope === "endpoint" ? "Endpoint delivery statistics" : "Delivery statistics"}>
      <StatTile
        label="Deliveries"
        value={formatCount(metrics.total)}
        detail={`${formatCount(metrics.successful)} delivered · ${formatCount(metrics.retrying)} retrying · ${formatCount(metrics.failed)} gave up`}
      />
      <StatTile
        label="Success rate"
        value={any ? formatPercent(metrics.successRate) : "—"}
        valueClassName={any ? rateTone(metrics.successRate) : "text-slate-500"}
        detail={any ? `${formatCount(metrics.successful)} delivered of ${formatCount(metrics.attempted)} attempted (delivered, retrying or gave up)` : "Nothing attempted in this period"}
      />
      <StatTile
        label="p95 time to delivery"
        value={metrics.successful > 0 ? formatDurationMs(metrics.p95DeliveryTimeMs) : "—"}
        valueClassName={metrics.successful > 0 ? undefined : "text-slate-500"}
        detail={metrics.successful > 0 ? `Median ${formatDurationMs(metrics.p50DeliveryTimeMs)}, from enqueue to delivered` : "Nothing delivered in this period"}
      />
      <StatTile
        label="Pending backlog"
        value={formatCount(metrics.pending)}
        detail={
          metrics.pending > 0
            ? `Waiting, retrying or held, any age · ${metrics.held > 0 ? `${formatCount(metrics.held)} held by an open circuit · ` : ""}oldest ${formatAge(metrics.oldestPendingAgeSeconds)}`
            : "Nothing waiting"
        }
      />
      {scope === "organization" ? (
        <>
          <StatTile
            label="Gave up, last 24 h"
            value={formatCount(metrics.failedLast24h)}
            valueClassName={metrics.failedLast24h > 0 ? "text-red-700" : undefined}
            detail="Failed for good: no attempt left, or not worth retrying"
          />
          <StatTile
            label="Open circuits"
            value={formatCount(metrics.openCircuits)}
            valueClassName={metrics.openCircuits > 0 ? "text-red-700" : undefined}
            detail="Endpoints paused after repeated failures"
          />
          <StatTile label="Disabled endpoints" value={formatCount(metrics.disabledEndpoints)} detail="Receive nothing until re-enabled" />
        </>
      ) : null}
    </dl>
  );
}

/** A chart with its heading and a text summary; the figure is labelled by both. */
export function ChartCard({ id, heading, summary, children }: { id: string; heading: string; summary: string; children: ReactNode }) {
  return (
    <figure aria-labelledby={`${id}-heading`} aria-describedby={`${id}-summary`} className={cardClassName("sm")}>
      <h3 id={`${id}-heading`} className="text-sm font-semibold text-slate-900">
        {heading}
      </h3>
      <p id={`${id}-summary`} className="mt-1 text-xs text-slate-500">
        {summary}
      </p>
      <div className="mt-3">{children}</div>
    </figure>
  );
}

const OUTCOME_ROWS = [
  { key: "delivered", color: "bg-emerald-500" },
  { key: "retrying", color: "bg-amber-400" },
  { key: "held", color: "bg-orange-500" },
  { key: "failed", color: "bg-red-500" },
  { key: "pending", color: "bg-sky-400" },
  { key: "cancelled", color: "bg-slate-400" },
] as const;

function StatusSummary({ byOutcome }: { byOutcome: DashboardData["byOutcome"] }) {
  const total = OUTCOME_ROWS.reduce((sum, row) => sum + byOutcome[row.key], 0);
  return (
    <section aria-labelledby="dashboard-status-heading" className={cardClassName("sm")}>
      <h3 id="dashboard-status-heading" className="text-sm font-semibold text-slate-900">
        Deliveries by status
      </h3>
      <p className="mt-1 text-xs text-slate-500">Share of every delivery created in the period, as it stands now.</p>
      {total > 0 ? (
        <div className="mt-3 flex h-3 overflow-hidden rounded-full bg-slate-100" aria-hidden="true">
          {OUTCOME_ROWS.map((row) =>
            byOutcome[row.key] > 0 ? <div key={row.key} className={row.color} style={{ width: `${(byOutcome[row.key] / total) * 100}%` }} /> : null,
          )}
        </div>
      ) : null}
      <ul className="mt-3 grid gap-1.5 text-sm">
        {OUTCOME_ROWS.map((row) => (
          <li key={row.key} className="flex items-center gap-2" title={OUTCOME_DESCRIPTIONS[row.key]}>
            <span className={`size-2.5 rounded-sm ${row.color}`} aria-hidden="true" />
            <span className="text-slate-700">{row.key === "failed" ? "Failed (gave up)" : OUTCOME_LABELS[row.key]}</span>
            <span className="ml-auto tabular-nums font-medium text-slate-900">{formatCount(byOutcome[row.key])}</span>
            <span className="w-16 text-right tabular-nums text-slate-500">{total > 0 ? formatPercent(Math.round((byOutcome[row.key] / total) * 1000) / 10) : "—"}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function TopFailing({
  failing,
  allOrganizations,
  organizationNames,
  endpointsPath,
  fullUrls,
}: {
  failing: FailingEndpoint[];
  allOrganizations: boolean;
  organizationNames: Record<string, string>;
  endpointsPath: string;
  fullUrls: boolean;
}) {
  // Host and path tell two endpoints on one host apart; members (and ops, across tenants) see the host only.
  const label = (url: string) => (fullUrls && !allOrganizations ? displayUrl(url, true).replace(/^https?:\/\//, "") : urlHost(url));
  return (
    <section aria-labelledby="dashboard-failing-heading" className={cardClassName("sm")}>
      <h3 id="dashboard-failing-heading" className="text-sm font-semibold text-slate-900">
        Top failing endpoints
      </h3>
      {failing.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">No endpoint failed in this period.</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="data-table-stacked w-full text-left text-sm" aria-labelledby="dashboard-failing-heading">
            <thead className="text-xs text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Endpoint
                </th>
                {allOrganizations ? (
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Organization
                  </th>
                ) : null}
                <th scope="col" className="py-2 pr-3 text-right font-medium" title="Retrying or gave up, of the deliveries attempted in the period">
                  Not delivered / attempted
                </th>
                <th scope="col" className="py-2 text-right font-medium">
                  Failure rate
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {failing.map((row) => (
                <tr key={row.endpointId}>
                  <td data-label="Endpoint" className="py-2 pr-3">
                    <div className="min-w-0 break-all sm:max-w-[16rem] sm:truncate sm:break-normal" title={label(row.url)}>
                      {allOrganizations ? (
                        // Ops are not members of other organizations: the settings page would 404, so no link.
                        <span className="font-medium text-slate-900">{urlHost(row.url)}</span>
                      ) : (
                        <Link href={`${endpointsPath}/${row.endpointId}`} className={linkClass}>
                          {label(row.url)}
                        </Link>
                      )}
                    </div>
                  </td>
                  {allOrganizations ? (
                    <td data-label="Organization" className="py-2 pr-3 text-slate-700">
                      {organizationNames[row.organizationId] ?? row.organizationId}
                    </td>
                  ) : null}
                  <td data-label="Not delivered / attempted" className="py-2 pr-3 text-right tabular-nums text-slate-700">
                    <div>
                      {formatCount(row.failed)} / {formatCount(row.attempted)}
                    </div>
                  </td>
                  <td data-label="Failure rate" className={`py-2 text-right font-medium tabular-nums ${rateTone(100 - row.failureRate)}`}>
                    {formatPercent(row.failureRate)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-xs text-slate-500">Not delivered: still retrying, held, or gave up. The failure rate is 100 % minus the endpoint&apos;s success rate.</p>
        </div>
      )}
    </section>
  );
}

/** Open alerts, newest first, with severity and when they opened. */
export function OpenAlerts({ alerts, allOrganizations, organizationNames }: { alerts: AlertView[]; allOrganizations: boolean; organizationNames: Record<string, string> }) {
  return (
    <section aria-labelledby="dashboard-alerts-heading" className={cardClassName("sm")}>
      <h3 id="dashboard-alerts-heading" className="text-sm font-semibold text-slate-900">
        Open alerts {alerts.length > 0 ? <span className="font-normal text-slate-500">({formatCount(alerts.length)})</span> : null}
      </h3>
      {alerts.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">No open alerts.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100">
          {alerts.map((alert) => (
            <li key={alert.id} className="flex flex-wrap items-start gap-x-3 gap-y-1 py-2.5 text-sm">
              <Badge tone={alert.severity === "critical" ? "red" : "amber"} dot>
                {alert.severity === "critical" ? "Critical" : "Warning"}
              </Badge>
              <div className="min-w-0 flex-1">
                <p className="text-slate-900">{alert.message}</p>
                {allOrganizations ? (
                  <p className="text-xs text-slate-500">
                    {alert.organizationId ? (organizationNames[alert.organizationId] ?? alert.organizationId) : "Platform-wide"}
                  </p>
                ) : null}
              </div>
              <span className="whitespace-nowrap text-xs text-slate-500">
                Opened <RelativeTime value={alert.openedAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The dashboard for already loaded data: period links, tiles, charts, status breakdown, failing endpoints, open alerts. */
export function DashboardView({ data, basePath, endpointsPath = basePath, fullUrls = false }: { data: DashboardData; basePath: string; endpointsPath?: string; fullUrls?: boolean }) {
  const { period, metrics, series } = data;
  const allOrganizations = data.organizationId === null;
  const bucketSeconds = SERIES_BUCKET_SECONDS[period];
  const longerPeriod = period === "30d" ? null : "30d";
  return (
    <section aria-labelledby="dashboard-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="dashboard-heading" className="text-lg font-semibold text-slate-900">
            Delivery health
          </h2>
          <p className="text-sm text-slate-600">
            {allOrganizations ? "Every organization: deliveries" : "Deliveries"} created in {PERIOD_LABELS[period].long}.
          </p>
        </div>
        <PeriodNav period={period} basePath={basePath} />
      </div>

      <StatTiles metrics={metrics} />

      {metrics.total === 0 ? (
        <EmptyState
          title={`No deliveries in ${PERIOD_LABELS[period].long}`}
          description="Charts of success rate and delivery time appear here once events are sent to endpoints in this period."
          action={
            longerPeriod ? (
              <Link href={`${basePath}?period=${longerPeriod}`} scroll={false} className={linkClass}>
                Show the last 30 days
              </Link>
            ) : undefined
          }
        />
      ) : (
        <>
          <div className="grid gap-4 lg:grid-cols-2">
            <ChartCard id="dashboard-success" heading="Success rate (%)" summary={summarizeSuccessRate(series, period)}>
              <SeriesChart kind="successRate" points={series} bucketSeconds={bucketSeconds} title="Success rate (%)" summary={summarizeSuccessRate(series, period)} />
            </ChartCard>
            <ChartCard id="dashboard-p95" heading="p95 time to delivery (ms)" summary={summarizeP95(series, period)}>
              <SeriesChart kind="p95" points={series} bucketSeconds={bucketSeconds} title="p95 time to delivery (ms)" summary={summarizeP95(series, period)} />
            </ChartCard>
          </div>
          <div className="grid gap-4 lg:grid-cols-2">
            <StatusSummary byOutcome={data.byOutcome} />
            <TopFailing failing={data.failing} allOrganizations={allOrganizations} organizationNames={data.organizationNames} endpointsPath={endpointsPath} fullUrls={fullUrls} />
          </div>
        </>
      )}

      <OpenAlerts alerts={data.alerts} allOrganizations={allOrganizations} organizationNames={data.organizationNames} />
    </section>
  );
}

/** Placeholder while the dashboard loads (a `<Suspense>` fallback), the same height as the tiles and charts. */
export function DashboardSkeleton() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-4">
      <span className="sr-only">Loading delivery health…</span>
      <div aria-hidden="true" className="space-y-4">
        <div className="h-6 w-40 rounded bg-slate-200" />
        <div className="grid grid-cols-2 gap-4 md:grid-cols-4">
          {[0, 1, 2, 3, 4, 5, 6].map((tile) => (
            <div key={tile} className="h-24 rounded-lg border border-slate-200 bg-white" />
          ))}
        </div>
        <div className="grid gap-4 lg:grid-cols-2">
          <div className="h-72 rounded-lg border border-slate-200 bg-white" />
          <div className="h-72 rounded-lg border border-slate-200 bg-white" />
        </div>
      </div>
    </div>
  );
}
