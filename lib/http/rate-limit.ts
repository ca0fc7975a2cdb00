import { HttpError } from "@/lib/http/errors";

/**
 * A fixed-window counter per key, in this process. Enough to stop an admin
 * page (or a script) from hammering someone's endpoint through "test"; not a
 * distributed quota.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one use of `key`; throws HttpError 429 (with Retry-After) past the limit. */
  take(key: string): void {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.set(key, { startedAt: now, count: 1 });
      if (this.windows.size > 10_000) this.prune(now);
      return;
    }
    if (window.count >= this.limit) {
      const retryAfter = Math.ceil((window.startedAt + this.windowMs - now) / 1000);
      throw new HttpError(429, "rate_limited", `Too many requests; try again in ${retryAfter} s`, {}, { "Retry-After": String(retryAfter) });
    }
    window.count++;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
