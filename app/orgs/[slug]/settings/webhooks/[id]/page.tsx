import type { Metadata } from "next";
import { ChartCard, PeriodNav, StatTiles } from "@/app/_components/dashboard";
import { PERIOD_LABELS, parseMetricsPeriod, summarizeSuccessRate } from "@/app/_components/dashboard-text";
import { OutcomeBadge } from "@/app/_components/delivery-state";
import { RelativeTime } from "@/app/_components/relative-time";
import { SeriesChart } from "@/app/_components/series-chart";
import { Section } from "@/app/_components/card";
import { getMetricsSeries, getWebhookMetrics, type MetricsPeriod, SERIES_BUCKET_SECONDS } from "@/lib/webhooks/metrics";
import { SUCCESS_RATE_BASIS } from "@/lib/webhooks/outcomes";
import { Detail } from "../_components/detail";
import { EventList } from "../_components/endpoint-status";
import { EndpointFrame, loadEndpointPage } from "./_components/endpoint-frame";
import { describeDeliveryControls } from "../_components/delivery-controls-text";

export const metadata: Metadata = { title: "Endpoint" };

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
  const controls = describeDeliveryControls(endpoint);

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
        <StatTiles metrics={metrics} scope="endpoint" />
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
          <Detail label="Delivery">
            <span className="block">{controls.order}</span>
            <span className="block text-slate-600">
              {controls.rate} · {controls.retries}
              {endpoint.sendTraceparent ? ` · ${controls.trace}` : null}
            </span>
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
