/**
 * Display helpers shared by every page (server and client components alike):
 * durations, bytes, counts, percentages, hosts and times. Pure, no imports, so
 * a client component can use them without pulling in server code.
 */

/** The host of an endpoint URL, for lists and logs; the full URL can carry tokens. Falls back to the input. */
export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const RELATIVE_UNITS: readonly [seconds: number, short: string][] = [
  [365 * 24 * 60 * 60, "y"],
  [30 * 24 * 60 * 60, "mo"],
  [24 * 60 * 60, "d"],
  [60 * 60, "h"],
  [60, "min"],
];

/** "just now", "3 min ago", "in 2 h", "5 d ago" relative to `now`. */
export function relativeTime(value: Date | string, now: Date = new Date()): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const diffSeconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(diffSeconds);
  if (Number.isNaN(abs)) return "unknown";
  if (abs < 45) return diffSeconds < 0 || abs < 5 ? "just now" : "in a few seconds";
  for (const [size, short] of RELATIVE_UNITS) {
    if (abs >= size) {
      const count = Math.round(abs / size);
      return diffSeconds < 0 ? `${count} ${short} ago` : `in ${count} ${short}`;
    }
  }
  // 45–59 seconds.
  return diffSeconds < 0 ? "1 min ago" : "in 1 min";
}

/** ISO 8601 (UTC) for title attributes and `<time dateTime>`. */
export function isoTime(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

/** Pretty-prints stored JSON text; null when it does not parse (then show the raw text only). */
export function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** 1 → "1 delivery", 3 → "3 deliveries". */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * A `datetime-local` input value (local wall-clock time, minute precision) for `date`.
 * Must run in the browser: the server's time zone is not the user's.
 */
export function toDateTimeLocalValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** 65536 → "64 KiB", 1000 → "1000 bytes". */
export function bytesText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return plural(bytes, "byte", "bytes");
}

const numberFormat = new Intl.NumberFormat("en-US");

/** 1234 → "1,234". */
export function formatCount(value: number): string {
  return numberFormat.format(value);
}

/** 97.5 → "97.5 %", 100 → "100 %". */
export function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} %`;
}

/** 850 → "850 ms", 1234 → "1.2 s", 95000 → "1.6 min"; "—" for NaN or infinity. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** An age in seconds, two units at most: 45 → "45 s", 200 → "3 min", 7500 → "2 h 5 min", 7200 → "2 h", 200000 → "2 d 7 h". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) => (small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return pair(Math.floor(s / 3600), "h", Math.floor((s % 3600) / 60), "min");
  return pair(Math.floor(s / 86_400), "d", Math.floor((s % 86_400) / 3600), "h");
}

// Durations in words, for prose (the webhook docs quote the delivery policy with them).

const DURATION_UNITS: readonly [seconds: number, name: string][] = [
  [24 * 60 * 60, "day"],
  [60 * 60, "hour"],
  [60, "minute"],
  [1, "second"],
];

function durationParts(seconds: number): string[] {
  const result: string[] = [];
  let rest = Math.round(seconds);
  for (const [size, name] of DURATION_UNITS) {
    // Whole days only read better from two days on: "24 hours", not "1 day".
    if (name === "day" && rest < 2 * size) continue;
    const count = Math.floor(rest / size);
    if (count > 0) result.push(`${count} ${name}${count === 1 ? "" : "s"}`);
    rest -= count * size;
  }
  return result;
}

/** 0 → "immediately", 300 → "5 minutes", 5400 → "1 hour 30 minutes", 432000 → "5 days". */
export function humaniseSeconds(seconds: number): string {
  return seconds <= 0 ? "immediately" : durationParts(seconds).join(" ");
}

/** Like {@link humaniseSeconds} without "immediately": 0 → "0 seconds". */
export function durationText(seconds: number): string {
  return seconds <= 0 ? "0 seconds" : durationParts(seconds).join(" ");
}

/** The two largest units only: 9305 → "2 hours 35 minutes". */
export function roughDuration(seconds: number): string {
  return seconds <= 0 ? "0 seconds" : durationParts(seconds).slice(0, 2).join(" ");
}

/** 30000 → "30 seconds", 2500 → "2.5 seconds". */
export function millisecondsText(ms: number): string {
  return ms % 1000 === 0 ? durationText(ms / 1000) : `${ms / 1000} seconds`;
}
