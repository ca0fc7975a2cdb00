import type { Metadata } from "next";
import { ChartCard, PeriodNav } from "@/app/_components/dashboard";
import { PERIOD_LABELS, parseMetricsPeriod, summarizeSuccessRate } from "@/app/_components/dashboard-text";
import { OutcomeBadge } from "@/app/_components/delivery-state";
import { formatAge, formatCount, formatDurationMs, formatPercent } from "@/app/_components/format";
import { RelativeTime } from "@/app/_components/relative-time";
import { SeriesChart } from "@/app/_components/series-chart";
import { StatTile } from "@/app/_components/stat-tile";
import { Section } from "@/app/_components/card";
import { getMetricsSeries, getWebhookMetrics, type MetricsPeriod, SERIES_BUCKET_SECONDS } from "@/lib/webhooks/metrics";
import { SUCCESS_RATE_BASIS } from "@/lib/webhooks/outcomes";
import { Detail } from "../_components/detail";
import { EventList } from "../_components/endpoint-status";
import { EndpointFrame, loadEndpointPage } from "./_components/endpoint-frame";

export const metadata: Metadata = { title: "Endpoint" };

/** Text colour for a success rate in percent: green from 95, amber from 80, red below. */
function rateTone(rate: number): string {
  return rate >= 95 ? "text-emerald-700" : rate >= 80 ? "text-amber-700" : "text-red-700";
}

/** The endpoint's tiles and chart with one clock, so both count the same deliveries. */
async function endpointFigures(organizationId: string, endpointId: string, period: MetricsPeriod) {
  const at = new Date();
  const scope = { organizationId, endpointId, period, now: () => at };
  const [metrics, series] = await Promise.all([getWebhookMetrics(scope), getMetricsSeries(scope)]);
  return { metrics, series };
}

/**
 * An endpoint's Overview: its own figures and success-rate chart for `?period=` (default
 * 24 h), counted with the organization's definitions but only this endpoint's deliveries,
 * and what it receives and when it last answered.
 */
export default async function EndpointOverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const page = await loadEndpointPage(params);
  const period = parseMetricsPeriod((await searchParams).period);
  const { organization, endpoint, activity } = page;
  const { metrics, series } = await endpointFigures(organization.id, endpoint.id, period);
  const attempted = metrics.attempted > 0;
  const summary = summarizeSuccessRate(series, period);

  return (
    <EndpointFrame page={page} tab="overview">
      <section aria-labelledby="endpoint-health-heading" className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="endpoint-health-heading" className="text-lg font-semibold text-slate-900">
              Delivery health
            </h2>
            <p className="text-sm text-slate-600">This endpoint&apos;s deliveries created in {PERIOD_LABELS[period].long}.</p>
          </div>
          <PeriodNav period={period} basePath={page.path} />
        </div>
        <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4" aria-label="Endpoint delivery statistics">
          <StatTile
            label="Deliveries"
            value={formatCount(metrics.total)}
            detail={`${formatCount(metrics.successful)} delivered · ${formatCount(metrics.retrying)} retrying · ${formatCount(metrics.failed)} gave up`}
          />
          <StatTile
            label="Success rate"
            value={attempted ? formatPercent(metrics.successRate) : "—"}
            valueClassName={attempted ? rateTone(metrics.successRate) : "text-slate-500"}
            detail={attempted ? `${formatCount(metrics.successful)} delivered of ${formatCount(metrics.attempted)} attempted` : "Nothing attempted in this period"}
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
                ? `Waiting, retrying or held, any age · ${metrics.held > 0 ? `${formatCount(metrics.held)} held · ` : ""}oldest ${formatAge(metrics.oldestPendingAgeSeconds)}`
                : "Nothing waiting"
            }
          />
        </dl>
        <p className="text-xs text-slate-500">Success rate: {SUCCESS_RATE_BASIS}.</p>
        <ChartCard id="endpoint-success" heading="Success rate (%)" summary={summary}>
          {attempted ? (
            <SeriesChart kind="successRate" points={series} bucketSeconds={SERIES_BUCKET_SECONDS[period]} title="Success rate (%)" summary={summary} />
          ) : (
            <p className="text-sm text-slate-500">The chart fills in once deliveries to this endpoint are attempted.</p>
          )}
        </ChartCard>
      </section>

      <Section id="details" title="Details">
        <dl className="-my-3 divide-y divide-slate-100">
          <Detail label="Events">
            <EventList eventTypes={endpoint.eventTypes} />
          </Detail>
          <Detail label="Last delivery">
            {activity?.lastDeliveryAt ? (
              <span className="inline-flex flex-wrap items-center gap-2">
                <RelativeTime value={activity.lastDeliveryAt} />
                {activity.lastOutcome ? <OutcomeBadge outcome={activity.lastOutcome} /> : null}
              </span>
            ) : (
              <span className="text-slate-500">None yet</span>
            )}
          </Detail>
          <Detail label="Last success">
            <RelativeTime value={activity?.lastSuccessAt ?? endpoint.lastSuccessAt} fallback="Never" />
          </Detail>
          <Detail label="Last failure">
            <RelativeTime value={endpoint.lastFailureAt} fallback="Never" />
          </Detail>
          {endpoint.failingSince ? (
            <Detail label="Failing since">
              <RelativeTime value={endpoint.failingSince} />
            </Detail>
          ) : null}
          {endpoint.disabledAt ? (
            <Detail label="Disabled">
              <RelativeTime value={endpoint.disabledAt} />
              {endpoint.disabledReason ? <span className="text-slate-600"> — {endpoint.disabledReason}</span> : null}
            </Detail>
          ) : null}
          <Detail label="Created">
            <RelativeTime value={endpoint.createdAt} />
          </Detail>
          <Detail label="Endpoint id">
            <code className="break-all font-mono">{endpoint.id}</code>
          </Detail>
        </dl>
      </Section>
    </EndpointFrame>
  );
}
