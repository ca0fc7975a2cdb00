"use client";

import { Area, AreaChart, Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDurationMs } from "./format";
import type { SeriesPoint } from "@/lib/webhooks/metrics";

/** Which series of {@link SeriesPoint} a chart draws. */
export type SeriesChartKind = "successRate" | "p95" | "throughput";

export interface SeriesChartProps {
  kind: SeriesChartKind;
  /** From `getMetricsSeries`: one point per bucket, oldest first; empty buckets carry null rates. */
  points: SeriesPoint[];
  /** The bucket width, which decides how the time axis is labelled. */
  bucketSeconds: number;
  /** Short name of the chart, for the SVG `<title>` (the page shows a heading too). */
  title: string;
  /** One sentence summing the chart up, for the SVG `<desc>` (the page shows it as text too). */
  summary: string;
}

/** Fixed plot height: the page does not jump when the chart mounts in the browser. */
export const CHART_HEIGHT = 224;

const COLORS = {
  indigo: "#4f46e5",
  emerald: "#059669",
  red: "#dc2626",
  grid: "#e2e8f0",
  axis: "#64748b",
};

const AXIS_TICK = { fill: COLORS.axis, fontSize: 12 };

function tickFormat(bucketSeconds: number): Intl.DateTimeFormat {
  // Compact, 24-hour labels in the viewer's time zone: "14:05", "Mon 18:00", "Nov 28".
  if (bucketSeconds >= 86_400) return new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
  if (bucketSeconds >= 21_600) return new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

const tooltipFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function formatTime(format: Intl.DateTimeFormat, value: unknown): string {
  const date = new Date(String(value));
  return Number.isNaN(date.getTime()) ? "" : format.format(date);
}

/** True when some value has no value on either side: a line cannot draw it, so the chart shows dots. */
function hasIsolatedValue(values: (number | null)[]): boolean {
  return values.some((value, index) => value !== null && (values[index - 1] ?? null) === null && (values[index + 1] ?? null) === null);
}

function toNumber(value: unknown): number {
  const number = typeof value === "number" ? value : Number(value);
  return Number.isFinite(number) ? number : 0;
}

/**
 * One time-series chart of the webhook dashboard, in a fixed-height
 * `ResponsiveContainer`. The server renders an empty box (the container
 * measures itself in the browser), so axis labels use the viewer's time zone
 * without a hydration mismatch. Buckets without finished deliveries are gaps,
 * never NaN or zero; when no bucket has a value the chart says so instead.
 */
export function SeriesChart({ kind, points, bucketSeconds, title, summary }: SeriesChartProps) {
  const ticks = tickFormat(bucketSeconds);
  const successValues = points.map((point) => point.successRate);
  const p95Values = points.map((point) => point.p95DeliveryTimeMs);
  const hasValues =
    kind === "successRate"
      ? successValues.some((value) => value !== null)
      : kind === "p95"
        ? p95Values.some((value) => value !== null)
        : points.some((point) => point.successful + point.failed > 0);

  if (!hasValues) {
    return (
      <div className="flex items-center justify-center rounded-md bg-slate-50 text-sm text-slate-500" style={{ height: CHART_HEIGHT }}>
        {kind === "p95" ? "No delivered webhooks in this period." : "No finished deliveries in this period."}
      </div>
    );
  }

  const common = {
    data: points,
    title,
    desc: summary,
    margin: { top: 8, right: 12, bottom: 0, left: 0 },
  };
  const xAxis = (
    <XAxis
      dataKey="at"
      tickFormatter={(value: unknown) => formatTime(ticks, value)}
      tick={AXIS_TICK}
      tickLine={false}
      axisLine={{ stroke: COLORS.grid }}
      minTickGap={28}
      interval="preserveStartEnd"
    />
  );
  const grid = <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />;
  const labelFormatter = (label: unknown) => formatTime(tooltipFormat, label);

  const dotsFor = (values: (number | null)[], color: string) => (hasIsolatedValue(values) ? { r: 3, fill: color, strokeWidth: 0 } : false);

  let chart;
  if (kind === "successRate") {
    chart = (
      <LineChart {...common}>
        {grid}
        {xAxis}
        <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit=" %" width={52} tick={AXIS_TICK} tickLine={false} axisLine={false} />
        <Tooltip labelFormatter={labelFormatter} formatter={(value) => [`${toNumber(value)} %`, "Success rate"]} />
        <Line
          type="monotone"
          dataKey="successRate"
          name="Success rate"
          stroke={COLORS.emerald}
          strokeWidth={2}
          dot={dotsFor(successValues, COLORS.emerald)}
          connectNulls={false}
          isAnimationActive={false}
        />
      </LineChart>
    );
  } else if (kind === "p95") {
    chart = (
      <AreaChart {...common}>
        {grid}
        {xAxis}
        <YAxis tickFormatter={(value: unknown) => formatDurationMs(toNumber(value))} width={64} tick={AXIS_TICK} tickLine={false} axisLine={false} />
        <Tooltip labelFormatter={labelFormatter} formatter={(value) => [formatDurationMs(toNumber(value)), "p95 time to delivery"]} />
        <Area
          type="monotone"
          dataKey="p95DeliveryTimeMs"
          name="p95 time to delivery"
          stroke={COLORS.indigo}
          fill={COLORS.indigo}
          fillOpacity={0.12}
          strokeWidth={2}
          dot={dotsFor(p95Values, COLORS.indigo)}
          connectNulls={false}
          isAnimationActive={false}
        />
      </AreaChart>
    );
  } else {
    chart = (
      <BarChart {...common}>
        {grid}
        {xAxis}
        <YAxis allowDecimals={false} width={48} tick={AXIS_TICK} tickLine={false} axisLine={false} />
        <Tooltip labelFormatter={labelFormatter} />
        <Bar dataKey="successful" name="Delivered" stackId="finished" fill={COLORS.emerald} isAnimationActive={false} />
        <Bar dataKey="failed" name="Failed" stackId="finished" fill={COLORS.red} isAnimationActive={false} />
      </BarChart>
    );
  }

  return (
    <div style={{ height: CHART_HEIGHT }}>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        {chart}
      </ResponsiveContainer>
    </div>
  );
}
