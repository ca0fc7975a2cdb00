import { RETRY_SCHEDULE_SECONDS } from "@/lib/webhooks/retry-policy";

/**
 * The retry schedules an endpoint can choose. Each is the delay before every
 * scheduled attempt, in seconds (the first is 0: the first attempt is immediate),
 * with ±20 % jitter on each (retry-policy.ts).
 *
 * - **standard**: the installation's schedule (WEBHOOK_RETRY_SCHEDULE), by default
 *   8 attempts over about 27.6 hours — for receivers that may be down for a day.
 * - **short**: 7 attempts over about an hour — for receivers whose events go stale.
 * - **none**: one attempt; a failure gives up at once (the delivery can still be
 *   redelivered by hand or recovered).
 */
export const RETRY_PRESETS = ["standard", "short", "none"] as const;
export type RetryPresetName = (typeof RETRY_PRESETS)[number];

/** "short": attempts at 0, 5 s, 30 s, 2 min, 10 min, 20 min and 30 min after the previous one — about an hour in all. */
export const SHORT_RETRY_SCHEDULE_SECONDS: readonly number[] = Object.freeze([0, 5, 30, 120, 600, 1200, 1800]);
export const NO_RETRY_SCHEDULE_SECONDS: readonly number[] = Object.freeze([0]);

/**
 * The schedule of a preset. `standard` is the installation's schedule, which the
 * worker is given (WEBHOOK_RETRY_SCHEDULE, or a test's own); the other two are fixed.
 */
export function retrySchedule(preset: RetryPresetName | null | undefined, standard: readonly number[] = RETRY_SCHEDULE_SECONDS): readonly number[] {
  if (preset === "short") return SHORT_RETRY_SCHEDULE_SECONDS;
  if (preset === "none") return NO_RETRY_SCHEDULE_SECONDS;
  return standard;
}

/** A schedule's attempts and the time from the first attempt to the last, without jitter. */
export function describeSchedule(schedule: readonly number[]): { attempts: number; spanSeconds: number; delaysSeconds: readonly number[] } {
  return { attempts: schedule.length, spanSeconds: schedule.reduce((sum, delay) => sum + delay, 0), delaysSeconds: schedule };
}

/** "8 attempts over about 27.6 hours", "7 attempts over about 63 minutes", "one attempt, no retries": a schedule's span in words. */
export function scheduleSpanText(schedule: readonly number[]): string {
  const { attempts, spanSeconds } = describeSchedule(schedule);
  if (attempts <= 1) return "one attempt, no retries";
  const span =
    spanSeconds >= 2 * 3600
      ? `${Math.round((spanSeconds / 3600) * 10) / 10} hours`
      : spanSeconds >= 120
        ? `${Math.round(spanSeconds / 60)} minutes`
        : `${spanSeconds} seconds`;
  return `${attempts} attempts over about ${span}`;
}
