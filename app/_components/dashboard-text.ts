/**
 * The dashboard's words: period names, the `?period=` parser and one-sentence
 * summaries of the charts (shown as text and read by screen readers). Apart
 * from the views, so the ops page can word its own sections the same way.
 */
import { formatDurationMs, formatPercent } from "./format";
import { METRICS_PERIODS, SERIES_BUCKET_SECONDS, type MetricsPeriod, type SeriesPoint } from "@/lib/webhooks/metrics";

/** The period the dashboard shows when `?period=` names none. */
export const DEFAULT_METRICS_PERIOD: MetricsPeriod = "24h";

/** Each period as a button label (`short`) and inside a sentence (`long`). */
export const PERIOD_LABELS: Record<MetricsPeriod, { short: string; long: string }> = {
  "1h": { short: "1 hour", long: "the last hour" },
  "24h": { short: "24 hours", long: "the last 24 hours" },
  "7d": { short: "7 days", long: "the last 7 days" },
  "30d": { short: "30 days", long: "the last 30 days" },
};

const BUCKET_WORDS: Record<number, string> = { 300: "per 5 minutes", 3_600: "per hour", 21_600: "per 6 hours", 86_400: "per day" };

/** `?period=` as a known period; anything else (missing, repeated, unknown) is the default, 24 h. */
export function parseMetricsPeriod(value: string | string[] | undefined): MetricsPeriod {
  return typeof value === "string" && Object.hasOwn(METRICS_PERIODS, value) ? (value as MetricsPeriod) : DEFAULT_METRICS_PERIOD;
}

/** "per hour, over the last 24 hours" for a period. */
export function seriesScope(period: MetricsPeriod): string {
  return `${BUCKET_WORDS[SERIES_BUCKET_SECONDS[period]] ?? "per interval"}, over ${PERIOD_LABELS[period].long}`;
}

function range(values: number[], format: (value: number) => string): string {
  const last = values[values.length - 1];
  if (last === undefined) return "";
  return `lowest ${format(Math.min(...values))}, highest ${format(Math.max(...values))}, most recent ${format(last)}`;
}

/** A one-sentence text version of the success-rate chart. */
export function summarizeSuccessRate(points: SeriesPoint[], period: MetricsPeriod): string {
  const values = points.flatMap((point) => (point.successRate === null ? [] : [point.successRate]));
  if (values.length === 0) return `No deliveries attempted in ${PERIOD_LABELS[period].long}.`;
  return `Delivered, of deliveries attempted (delivered, retrying or gave up), ${seriesScope(period)}: ${range(values, formatPercent)}.`;
}

/** A one-sentence text version of the p95 delivery-time chart. */
export function summarizeP95(points: SeriesPoint[], period: MetricsPeriod): string {
  const values = points.flatMap((point) => (point.p95DeliveryTimeMs === null ? [] : [point.p95DeliveryTimeMs]));
  if (values.length === 0) return `No deliveries succeeded in ${PERIOD_LABELS[period].long}.`;
  return `95th percentile of the time from enqueue to delivery, ${seriesScope(period)}: ${range(values, formatDurationMs)}.`;
}
