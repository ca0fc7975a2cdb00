/**
 * A rate limit as configured: at most `max` uses per `windowSeconds`, written
 * `<max>/<window>` (`100/1s`, `10/1m`, `20/1h`, `500/30s`), or `off`.
 */
export interface RateLimitSpec {
  max: number;
  windowSeconds: number;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const PATTERN = /^(\d{1,9})\s*\/\s*(\d{0,6})\s*([smhd])$/;

/** Parses `<max>/<window>` or `off` (→ null); throws an Error saying what is wrong. */
export function parseRateLimit(text: string): RateLimitSpec | null {
  const value = text.trim().toLowerCase();
  if (value === "off") return null;
  const match = PATTERN.exec(value);
  if (!match) throw new Error(`"${text}" is not a rate limit; write <count>/<window> such as 100/1s, 10/1m or 20/1h, or off`);
  const max = Number(match[1]);
  const windowSeconds = Number(match[2] || "1") * UNIT_SECONDS[match[3] as keyof typeof UNIT_SECONDS];
  if (max < 1) throw new Error(`"${text}" allows nothing; the count must be at least 1 (use off for no limit)`);
  if (windowSeconds < 1 || windowSeconds > 7 * 86_400) throw new Error(`"${text}" has a window outside 1s to 7d`);
  return { max, windowSeconds };
}

/** `100/1s` style text for messages and the start banner. */
export function describeRateLimit(spec: RateLimitSpec | null): string {
  if (!spec) return "off";
  const { windowSeconds: s } = spec;
  const window = s % 86_400 === 0 ? `${s / 86_400}d` : s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
  return `${spec.max}/${window}`;
}
