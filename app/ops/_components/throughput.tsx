import { formatAge, formatCount } from "@/app/_components/format";
import { ChartCard } from "@/app/_components/dashboard";
import { PERIOD_LABELS, seriesScope } from "@/app/_components/dashboard-text";
import { SeriesChart } from "@/app/_components/series-chart";
import { StatTile } from "@/app/_components/stat-tile";
import { METRICS_PERIODS, SERIES_BUCKET_SECONDS, type MetricsPeriod, type SeriesPoint, type WebhookMetrics } from "@/lib/webhooks/metrics";

export interface Throughput {
  /** Deliveries of the period that have finished (delivered or failed for good). */
  finished: number;
  /** `finished` spread over the hours of the period. */
  perHour: number;
  /** The busiest bucket, scaled to one hour; null when nothing finished. */
  peakPerHour: number | null;
  peakAt: string | null;
}

/**
 * Worker throughput from the chart series. Buckets are by enqueue time, so this
 * counts the deliveries created in each bucket that have since finished: close
 * to "finished per hour" while the worker keeps up, lower when it lags.
 */
export function throughputOf(series: SeriesPoint[], period: MetricsPeriod): Throughput {
  const bucketSeconds = SERIES_BUCKET_SECONDS[period];
  let finished = 0;
  let peak: SeriesPoint | null = null;
  for (const point of series) {
    const done = point.successful + point.failed;
    finished += done;
    if (done > 0 && (!peak || done > peak.successful + peak.failed)) peak = point;
  }
  const hours = METRICS_PERIODS[period] / 3600;
  return {
    finished,
    perHour: Math.round((finished / hours) * 100) / 100,
    peakPerHour: peak ? Math.round(((peak.successful + peak.failed) * 3600 * 100) / bucketSeconds) / 100 : null,
    peakAt: peak ? peak.at : null,
  };
}

const utcTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Backlog (pending now, oldest pending) and worker throughput with its chart. */
export function BacklogAndThroughput({ metrics, series, period }: { metrics: WebhookMetrics; series: SeriesPoint[]; period: MetricsPeriod }) {
  const throughput = throughputOf(series, period);
  const summary =
    throughput.finished === 0
      ? `No deliveries finished in ${PERIOD_LABELS[period].long}.`
      : `Deliveries finished, ${seriesScope(period)}: ${formatCount(throughput.finished)} in total, ${formatCount(throughput.perHour)} per hour on average, busiest about ${formatCount(throughput.peakPerHour ?? 0)} per hour.`;
  return (
    <section aria-labelledby="ops-throughput-heading" className="space-y-4">
      <div>
        <h2 id="ops-throughput-heading" className="text-lg font-semibold text-slate-900">
          Backlog and throughput
        </h2>
        <p className="text-sm text-slate-600">Is the worker keeping up? Pending counts every delivery waiting now; throughput is over {PERIOD_LABELS[period].long}.</p>
      </div>
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-4" aria-label="Backlog and throughput">
        <StatTile label="Pending now" value={formatCount(metrics.pending)} detail="Waiting for an attempt, any age" />
        <StatTile label="Oldest pending" value={metrics.pending > 0 ? formatAge(metrics.oldestPendingAgeSeconds) : "—"} detail="Since it was enqueued" />
        <StatTile label="Finished per hour" value={formatCount(throughput.perHour)} detail={`Average; ${formatCount(throughput.finished)} finished in total`} />
        <StatTile
          label="Busiest"
          value={throughput.peakPerHour === null ? "—" : `${formatCount(throughput.peakPerHour)}/h`}
          detail={throughput.peakAt ? `Interval from ${utcTime.format(new Date(throughput.peakAt))} UTC` : "Nothing finished"}
        />
      </dl>
      <ChartCard id="ops-throughput" heading="Deliveries finished" summary={summary}>
        <SeriesChart kind="throughput" points={series} bucketSeconds={SERIES_BUCKET_SECONDS[period]} title="Deliveries finished" summary={summary} />
      </ChartCard>
    </section>
  );
}
