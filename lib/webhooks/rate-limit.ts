import { sqlTime, type DbClient } from "@/lib/database/db-types";
import { hotStatement, runHot } from "@/lib/database/hot-sql";

/**
 * An endpoint's rate limit (`rateLimitPerSecond`), enforced across every worker
 * process and every trigger (scheduled, retried, manual and test attempts): a
 * GCRA without burst kept in PostgreSQL. Each endpoint has one row holding the
 * earliest time its next attempt may start; taking a start moves it on by the
 * spacing, in one atomic statement, so two workers can never take the same time.
 *
 * **Spacing.** Starts are {@link RATE_SPACING_NUMERATOR_US}/rate µs apart — 5 %
 * more than 1/rate — so any `rate + 1` consecutive starts span at least 1.05 s.
 * An attempt that wakes more than {@link LATE_START_TOLERANCE_MS} after its
 * reserved start (a stalled event loop) does not go: it takes a new start. So
 * the starts that do go are never more than `rate` in any one-second window,
 * with 25 ms to spare for signing, connecting and the network.
 *
 * **Horizon.** A worker reserves a start at most {@link RATE_HORIZON_MS} ahead and
 * waits for it in memory; when the endpoint's next start is further away, the
 * delivery goes back to the queue due at that time — no attempt is used up. The
 * claim leases an endpoint's deliveries only as far as starts are free within
 * the horizon (see claim.ts), so waiting deliveries do not pile up in slots.
 */

/** 1.05 s in µs: `rate` starts take 1.05 s. */
export const RATE_SPACING_NUMERATOR_US = 1_050_000;
/** How far ahead a worker may take a start and wait for it. */
export const RATE_HORIZON_MS = 1_000;
/** A start taken but reached later than this (a stalled process) is not used: another is taken. */
export const LATE_START_TOLERANCE_MS = 25;
export const RATE_LIMIT_MIN_PER_SECOND = 1;
export const RATE_LIMIT_MAX_PER_SECOND = 1_000;
/** How many late wake-ups in a row a scheduled attempt tolerates before it gives its turn back (a person's wait goes on to its deadline). */
const MAX_LATE_RETRIES = 5;

/**
 * The most of `times` (epoch ms) inside any one-second window [t, t + 1000): what the
 * limit bounds, for attempt starts. Used to check it (tests, the benchmark).
 */
export function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** The time between two starts at `perSecond`, in whole microseconds (rounded up: never faster). */
export function spacingMicros(perSecond: number): number {
  return Math.ceil(RATE_SPACING_NUMERATOR_US / perSecond);
}

/** The spacing in SQL for an endpoint `e` (the same number as {@link spacingMicros}). */
export function spacingMicrosSql(e: string): string {
  return `ceil(${RATE_SPACING_NUMERATOR_US}.0 / ${e}."rateLimitPerSecond")`;
}

/**
 * Takes the endpoint's next start: `greatest(next, now)`, and moves `next` on by
 * the spacing. With `$4` (a horizon) set, nothing is taken when the next start is
 * later than it. Returns the start as epoch milliseconds, rounded up.
 */
const TAKE_START = hotStatement(
  "webhook_rate_take_start",
  `INSERT INTO "WebhookRateLimit" AS r ("endpointId", "nextStartAt")
   VALUES ($1, $2::timestamp(6) + $3::bigint * interval '1 microsecond')
   ON CONFLICT ("endpointId") DO UPDATE
      SET "nextStartAt" = greatest(r."nextStartAt", $2::timestamp(6)) + $3::bigint * interval '1 microsecond'
    WHERE $4::timestamp(6) IS NULL OR r."nextStartAt" <= $4::timestamp(6)
   RETURNING ceil(extract(epoch FROM r."nextStartAt" - $3::bigint * interval '1 microsecond') * 1000)::float8 AS "startMs"`,
);

const NEXT_START = hotStatement(
  "webhook_rate_next_start",
  `SELECT ceil(extract(epoch FROM "nextStartAt") * 1000)::float8 AS "nextMs" FROM "WebhookRateLimit" WHERE "endpointId" = $1`,
);

export interface RateSlotInput {
  endpointId: string;
  perSecond: number;
  now: () => Date;
  /**
   * "queue": a scheduled attempt — take a start only within the horizon, else give
   * the delivery back to the queue. "wait": an attempt a person is waiting for
   * (redeliver, test) — take a start within `maxWaitMs` and wait for it.
   */
  mode: "queue" | "wait";
  /** "wait" mode: the longest wait accepted (default 10 s). */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** `go`: start now (the reserved time has come). `later`: no start free soon; try again at `retryAt`. */
export type RateSlot = { kind: "go"; startAt: Date; waitedMs: number } | { kind: "later"; retryAt: Date };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits for the endpoint's next free start (see the module comment) and returns
 * `go` when it has come, or `later` with the time to try again when none is free
 * within the horizon (or `maxWaitMs`). Nothing is sent here.
 */
export async function takeRateSlot(db: DbClient, input: RateSlotInput): Promise<RateSlot> {
  const sleep = input.sleep ?? defaultSleep;
  const spacing = spacingMicros(input.perSecond);
  // A person's wait ends at one deadline however often a busy process wakes late; the queue retries a few times.
  const deadline = input.now().getTime() + (input.maxWaitMs ?? 10_000);
  let waitedMs = 0;
  for (let late = 0; input.mode === "wait" || late <= MAX_LATE_RETRIES; late++) {
    const now = input.now();
    const aheadMs = input.mode === "queue" ? RATE_HORIZON_MS : deadline - now.getTime();
    if (aheadMs < 0) break;
    const [taken] = await runHot<{ startMs: number }>(db, TAKE_START, [input.endpointId, sqlTime(now), spacing, sqlTime(new Date(now.getTime() + aheadMs))]);
    if (!taken) {
      const [next] = await runHot<{ nextMs: number }>(db, NEXT_START, [input.endpointId]);
      // Due again when the next start comes within the horizon.
      return { kind: "later", retryAt: new Date(Math.max(now.getTime(), (next?.nextMs ?? now.getTime()) - RATE_HORIZON_MS)) };
    }
    const delay = taken.startMs - input.now().getTime();
    if (delay > 0) {
      await sleep(delay);
      waitedMs += delay;
    }
    if (input.now().getTime() - taken.startMs <= LATE_START_TOLERANCE_MS) return { kind: "go", startAt: new Date(taken.startMs), waitedMs };
  }
  return { kind: "later", retryAt: input.now() };
}

/**
 * Forgets an endpoint's rate state when its limit is removed. (A changed limit keeps it:
 * starts already taken at the old rate still hold, so the change cannot make a burst.)
 */
export async function resetRateLimit(db: DbClient, endpointId: string): Promise<void> {
  await db.$executeRawUnsafe(`DELETE FROM "WebhookRateLimit" WHERE "endpointId" = $1`, endpointId);
}
