import { isoTime, relativeTime } from "./format";

/**
 * "3 min ago" with the exact ISO time in the title and `dateTime`. Rendered on the
 * server; when used inside a client component the text may differ by a few
 * seconds after hydration, which is harmless, so the warning is suppressed.
 */
export function RelativeTime({ value, fallback = "—" }: { value: Date | string | null | undefined; fallback?: string }) {
  if (!value) return <span className="text-slate-500">{fallback}</span>;
  const iso = isoTime(value);
  return (
    <time dateTime={iso} title={iso} suppressHydrationWarning>
      {relativeTime(value)}
    </time>
  );
}
