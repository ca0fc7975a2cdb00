import type { TransportResponse } from "@/lib/webhooks/transport";
import { TransportError } from "@/lib/webhooks/errors";

/**
 * Delay before each attempt, in seconds: attempts at 0, 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h and 10 h — eight attempts over about 27 hours.
 */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];
/** Each scheduled delay is spread by ±20 % so failing endpoints don't get retried in lockstep. */
export const RETRY_JITTER_RATIO = 0.2;
/** Longest wait a Retry-After header can ask for. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

/** What the caller does after one attempt. */
export type AttemptVerdict =
  | { kind: "success" }
  | { kind: "retry"; retryAfterSeconds?: number }
  /** Permanent failure of this delivery (4xx other than 408/429, blocked address). */
  | { kind: "give_up" }
  /** 410 Gone: the receiver asked us to stop; disable the endpoint. */
  | { kind: "disable" };

/** Turns one attempt's outcome (an exchange, or a TransportError) into a verdict. */
export function classify(outcome: TransportResponse | TransportError, now: Date = new Date()): AttemptVerdict {
  if (outcome instanceof TransportError) {
    // A blocked address or unusable URL is a refusal, not a passing fault: retrying cannot help.
    return outcome.code === "blocked_address" || outcome.code === "invalid_url" ? { kind: "give_up" } : { kind: "retry" };
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) return { kind: "success" };
  if (status === 410) return { kind: "disable" };
  if (status === 429 || status === 503) {
    const retryAfterSeconds = parseRetryAfter(outcome.headers["retry-after"], now);
    return retryAfterSeconds === undefined ? { kind: "retry" } : { kind: "retry", retryAfterSeconds };
  }
  if (status === 408 || status >= 500) return { kind: "retry" };
  // Redirects are never followed; the endpoint URL should be fixed, and may be.
  if (status >= 300 && status < 400) return { kind: "retry" };
  return { kind: "give_up" };
}

/** Retry-After as seconds from `now` (delta-seconds or an HTTP date); undefined when absent or malformed. */
export function parseRetryAfter(value: string | undefined, now: Date = new Date()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

export interface NextAttemptInput {
  /** Attempts made so far, including the one that just failed. */
  attemptsMade: number;
  verdict: AttemptVerdict;
  now: Date;
  schedule?: readonly number[];
  /** Returns a number in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * When the next attempt is due, or null when the delivery has no attempts left
 * (or the verdict does not retry). Retry-After is honoured but clamped to
 * [scheduled delay, 24 h]: a receiver can slow us down, not hurry us, nor park
 * a delivery forever.
 */
export function nextAttemptAt({ attemptsMade, verdict, now, schedule = RETRY_SCHEDULE_SECONDS, random = Math.random }: NextAttemptInput): Date | null {
  if (verdict.kind !== "retry" || attemptsMade >= schedule.length) return null;
  const scheduled = schedule[attemptsMade]!;
  const jittered = scheduled * (1 + RETRY_JITTER_RATIO * (2 * random() - 1));
  const delay =
    verdict.retryAfterSeconds === undefined
      ? jittered
      : Math.min(Math.max(verdict.retryAfterSeconds, scheduled), Math.max(MAX_RETRY_AFTER_SECONDS, scheduled));
  return new Date(now.getTime() + Math.round(delay * 1000));
}

/** Parses a schedule like "0,5,300,1800" (seconds); throws on anything else. */
export function parseRetrySchedule(value: string): number[] {
  const parts = value.split(",").map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => !/^\d+$/.test(part))) {
    throw new Error("must be a comma-separated list of whole seconds, e.g. 0,5,300,1800");
  }
  const schedule = parts.map(Number);
  if (schedule[0] !== 0) throw new Error("must start with 0 (the first attempt is immediate)");
  return schedule;
}
