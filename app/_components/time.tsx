"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

export interface DateTimeProps {
  value: Date | string | number | null | undefined;
  /** Shown for null/undefined (default "—"). */
  fallback?: string;
  /** "datetime" (default): "Nov 28, 2025, 12:01 PM"; "date": "Nov 28, 2025"; "time": "Nov 28, 12:01 PM" (a moment in the next hours or days). */
  format?: "datetime" | "date" | "time";
  className?: string;
}

/**
 * A date in the viewer's own time zone and locale, with the exact ISO time in
 * `title`. The server does not know the viewer's time zone, so it renders UTC
 * and the browser switches to local time right after hydration.
 */
export function DateTime({ value, fallback = "—", format = "datetime", className }: DateTimeProps) {
  const hydrated = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  if (value === null || value === undefined) return <span className={`text-slate-500 ${className ?? ""}`}>{fallback}</span>;
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return <span className={className}>{String(value)}</span>;
  const options: Intl.DateTimeFormatOptions =
    format === "date" ? { dateStyle: "medium" } : format === "time" ? { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" } : { dateStyle: "medium", timeStyle: "short" };
  const text = hydrated
    ? new Intl.DateTimeFormat(undefined, options).format(date)
    : `${new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" }).format(date)}${format === "date" ? "" : " UTC"}`;
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}
