"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False while the server renders and while the browser hydrates, true after: what depends
 * on the viewer's time zone or locale renders UTC first and switches once hydrated, so the
 * first client render matches the server's markup.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/** A zone name that is only an offset ("GMT+1", "UTC-5") says less than the offset we show anyway. */
const OFFSET_NAME = /^(GMT|UTC)[+-−]/;

/**
 * "2 Dec 2026, 14:05:03 CET (UTC+01:00)": day, month, year and 24-hour time with seconds in
 * `timeZone` (default: this runtime's zone, i.e. the viewer's in a browser), its short name
 * when it has one in `locale` (default: the viewer's language) or in British English, and
 * its offset from UTC.
 * In UTC itself: "2 Dec 2026, 13:05:03 UTC".
 */
export function zonedDateTime(value: Date, timeZone?: string, locale?: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(value);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((item) => item.type === type)?.value ?? "";
  const base = `${part("day")} ${part("month")} ${part("year")}, ${part("hour")}:${part("minute")}:${part("second")}`;
  const zoneName = (locale: string | undefined, style: "short" | "longOffset") =>
    new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style }).formatToParts(value).find((item) => item.type === "timeZoneName")?.value ?? "";
  // "GMT+01:00", or "GMT" at offset zero.
  const offset = zoneName("en-US", "longOffset").replace(/^GMT/, "") || "+00:00";
  const name = [zoneName(locale, "short"), zoneName("en-GB", "short")].find((candidate) => candidate && !OFFSET_NAME.test(candidate));
  if (name === "UTC" && offset === "+00:00") return `${base} UTC`;
  return name ? `${base} ${name} (UTC${offset})` : `${base} (UTC${offset})`;
}

export interface DateTimeProps {
  value: Date | string | number | null | undefined;
  /** Shown for null/undefined (default "—"). */
  fallback?: string;
  /**
   * "datetime" (default): "Nov 28, 2025, 12:01 PM"; "date": "Nov 28, 2025"; "time": "Nov 28, 12:01 PM" (a moment in the
   * next hours or days); "full": "28 Nov 2025, 12:01:05 CET (UTC+01:00)", to the second and with the time zone.
   */
  format?: "datetime" | "date" | "time" | "full";
  className?: string;
}

/**
 * A date in the viewer's own time zone and locale, with the exact ISO time in
 * `title`. The server does not know the viewer's time zone, so it renders UTC
 * and the browser switches to local time right after hydration.
 */
export function DateTime({ value, fallback = "—", format = "datetime", className }: DateTimeProps) {
  const hydrated = useHydrated();
  if (value === null || value === undefined) return <span className={`text-slate-500 ${className ?? ""}`}>{fallback}</span>;
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return <span className={className}>{String(value)}</span>;
  let text: string;
  if (format === "full") text = zonedDateTime(date, hydrated ? undefined : "UTC");
  else {
    const options: Intl.DateTimeFormatOptions =
      format === "date" ? { dateStyle: "medium" } : format === "time" ? { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" } : { dateStyle: "medium", timeStyle: "short" };
    text = hydrated
      ? new Intl.DateTimeFormat(undefined, options).format(date)
      : `${new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" }).format(date)}${format === "date" ? "" : " UTC"}`;
  }
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}
