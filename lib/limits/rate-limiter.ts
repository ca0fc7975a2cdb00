import { prisma as sharedPrisma } from "@/lib/db";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import type { RateLimitSpec } from "@/lib/limits/spec";

/**
 * A rate limit shared by every process on the database, without a database
 * write per request.
 *
 * Each key has one window at a time in `RateLimitBudget` (a fixed window that
 * opens with the first use after the previous one ended). A process leases a
 * slice of the window's budget in one statement and spends it in memory; when
 * the slice runs out it leases another. Slices start at one use and double with
 * each lease in the same window, up to {@link MAX_SLICE_FRACTION} of the budget,
 * so a process that sees a few requests takes a few uses and a busy one needs
 * about twenty writes per window whatever its rate. Once the database has
 * handed out the whole budget, every process refuses until the window ends,
 * with `Retry-After` = the seconds left.
 *
 * Trade-off: uses leased by one process and not spent by the window's end are
 * lost, so in the worst case the processes together admit up to
 * (processes × the largest slice) fewer than `max`; never more than `max`.
 *
 * Written here rather than taken from a package: the rate-limit packages in the
 * registry count in memory or in Redis; none leases budgets from PostgreSQL.
 */
export class SharedRateLimiter {
  private readonly local = new Map<string, LocalWindow>();
  private readonly db: () => DbClient;
  private readonly now: () => number;

  constructor(options: { prisma?: DbClient; now?: () => number } = {}) {
    this.db = () => options.prisma ?? sharedPrisma;
    this.now = options.now ?? Date.now;
  }

  /**
   * Counts `cost` uses of `key` against `spec` (one by default; a batch counts
   * its events). Resolves `{ allowed: true }`, or `{ allowed: false,
   * retryAfterSeconds }` once the window's budget cannot cover them. A cost
   * above the whole budget counts as the whole budget, so it needs a window of
   * its own rather than never passing.
   */
  async take(key: string, spec: RateLimitSpec, cost = 1): Promise<RateLimitDecision> {
    const uses = Math.min(Math.max(1, Math.ceil(cost)), spec.max);
    for (;;) {
      const now = this.now();
      let window = this.local.get(key);
      if (window && now >= window.endsAt) {
        if (window.leasing) await window.leasing;
        this.local.delete(key);
        window = undefined;
      }
      if (window) {
        if (window.tokens >= uses) {
          window.tokens -= uses;
          return { allowed: true, remaining: window.tokens };
        }
        // Uses leased for a refused request stay here, for the next ones in this window.
        if (window.exhausted) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
        // Another request of this process is leasing already: wait for its slice, then look again.
        if (window.leasing) {
          await window.leasing;
          continue;
        }
      }
      await this.lease(key, spec, window, uses - (window?.tokens ?? 0));
    }
  }

  private lease(key: string, spec: RateLimitSpec, current: LocalWindow | undefined, shortfall: number): Promise<void> {
    const largest = Math.max(1, Math.floor(spec.max * MAX_SLICE_FRACTION));
    // A costly request leases what it lacks in one go.
    const slice = Math.max(shortfall, Math.min(largest, current ? current.nextSlice : 1));
    const window: LocalWindow = current ?? { endsAt: Number.POSITIVE_INFINITY, tokens: 0, exhausted: false, nextSlice: 1 };
    if (!current) this.local.set(key, window);
    window.leasing = leaseSlice(this.db(), key, spec, slice, this.now())
      .then(({ granted, endsAt }) => {
        window.endsAt = endsAt;
        window.tokens += granted;
        window.exhausted = granted === 0;
        window.nextSlice = Math.min(largest, Math.max(1, slice) * 2);
      })
      .catch((error: unknown) => {
        // Nothing leased: forget the window so the next request tries again.
        if (this.local.get(key) === window && window.tokens === 0) this.local.delete(key);
        throw error;
      })
      .finally(() => {
        window.leasing = undefined;
      });
    if (this.local.size > 10_000) this.prune();
    return window.leasing;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, window] of this.local) if (now >= window.endsAt && !window.leasing) this.local.delete(key);
  }
}

/** The largest slice one lease takes, as a fraction of the window's budget. */
export const MAX_SLICE_FRACTION = 0.05;

export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface LocalWindow {
  /** When the window ends (ms); +Infinity until the first lease answers. */
  endsAt: number;
  /** Uses leased by this process and not yet spent. */
  tokens: number;
  /** The database has handed out the window's whole budget. */
  exhausted: boolean;
  nextSlice: number;
  leasing?: Promise<void>;
}

/**
 * One statement: opens a new window if the stored one has ended, then grants up
 * to `slice` of what is left of its budget. Concurrent leases serialise on the
 * row, so the grants of one window never add up to more than `max`.
 */
async function leaseSlice(db: DbClient, key: string, spec: RateLimitSpec, slice: number, nowMs: number): Promise<{ granted: number; endsAt: number }> {
  const now = sqlTime(new Date(nowMs));
  const endsAt = sqlTime(new Date(nowMs + spec.windowSeconds * 1000));
  const rows = await db.$queryRawUnsafe<{ lastGrant: number; endsAtMs: number }[]>(
    `INSERT INTO "RateLimitBudget" AS b ("key", "windowEndsAt", "granted", "lastGrant")
     VALUES ($1, $3::timestamp(3), least($4::int, $5::int), least($4::int, $5::int))
     ON CONFLICT ("key") DO UPDATE SET
       "lastGrant" = CASE WHEN b."windowEndsAt" <= $2::timestamp(3) THEN least($4::int, $5::int)
                          ELSE least($4::int, greatest($5::int - b."granted", 0)) END,
       "granted" = CASE WHEN b."windowEndsAt" <= $2::timestamp(3) THEN least($4::int, $5::int)
                        ELSE b."granted" + least($4::int, greatest($5::int - b."granted", 0)) END,
       "windowEndsAt" = CASE WHEN b."windowEndsAt" <= $2::timestamp(3) THEN $3::timestamp(3) ELSE b."windowEndsAt" END
     RETURNING "lastGrant", (EXTRACT(EPOCH FROM "windowEndsAt") * 1000)::float8 AS "endsAtMs"`,
    key,
    now,
    endsAt,
    slice,
    spec.max,
  );
  const row = rows[0]!;
  return { granted: Number(row.lastGrant), endsAt: Number(row.endsAtMs) };
}

/** Deletes windows that ended more than an hour ago (run by maintenance). */
export async function pruneRateLimitBudgets(db: DbClient = sharedPrisma, now = new Date()): Promise<number> {
  return db.$executeRawUnsafe(`DELETE FROM "RateLimitBudget" WHERE "windowEndsAt" < $1::timestamp(3)`, sqlTime(new Date(now.getTime() - 3_600_000)));
}
