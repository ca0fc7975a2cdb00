"use client";

import { isoTime, relativeTime } from "./format";
import { useHydrated, zonedDateTime } from "./time";

/**
 * "3 min ago", with the absolute time and its zone on hover ("2 Dec 2026, 14:05:03 CET
 * (UTC+01:00)") and the ISO time in `dateTime`. The server renders the title in UTC and the
 * browser switches it to the viewer's zone after hydration. The relative text is computed
 * where it renders, so it may differ by a minute between server and browser; that is
 * harmless, so the warning is suppressed.
 */
export function RelativeTime({ value, fallback = "—" }: { value: Date | string | null | undefined; fallback?: string }) {
  const hydrated = useHydrated();
  if (!value) return <span className="text-slate-500">{fallback}</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return <span>{String(value)}</span>;
  return (
    <time dateTime={isoTime(date)} title={zonedDateTime(date, hydrated ? undefined : "UTC")} suppressHydrationWarning>
      {relativeTime(date)}
    </time>
  );
}
