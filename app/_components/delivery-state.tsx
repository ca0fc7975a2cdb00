import type { ReactNode } from "react";
import type { DeliveryOutcome, DeliveryState, EndpointHealth } from "@/lib/webhooks/outcomes";
import { Badge, type BadgeTone } from "./badge";
import { plural } from "./format";
import { RelativeTime } from "./relative-time";
import { DateTime } from "./time";

/**
 * Deliveries and endpoints in words, from the one definition in lib/webhooks/outcomes.ts:
 * "Retrying — attempt 3 of 8, next in 29 min", "Held — circuit open until 14:05",
 * "Failed — gave up after 8 attempts", "Cancelled — endpoint disabled".
 */

export const OUTCOME_LABELS: Record<DeliveryOutcome, string> = {
  pending: "Pending",
  retrying: "Retrying",
  held: "Held",
  delivered: "Delivered",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** What each outcome means, for titles and the history filter's help. */
export const OUTCOME_DESCRIPTIONS: Record<DeliveryOutcome, string> = {
  pending: "Waiting for its first attempt",
  retrying: "Failed attempts so far; will try again on the retry schedule",
  held: "Nothing is sent while the endpoint's circuit is open (or its secret cannot be opened)",
  delivered: "The endpoint answered 2xx",
  failed: "Gave up: no attempt left, or the answer is not worth retrying",
  cancelled: "The endpoint was disabled or deleted before delivery",
};

export const OUTCOME_TONES: Record<DeliveryOutcome, BadgeTone> = {
  pending: "gray",
  retrying: "amber",
  held: "amber",
  delivered: "green",
  failed: "red",
  cancelled: "gray",
};

export function OutcomeBadge({ outcome, title }: { outcome: DeliveryOutcome; title?: string }) {
  return (
    <Badge tone={OUTCOME_TONES[outcome]} dot title={title ?? OUTCOME_DESCRIPTIONS[outcome]}>
      {OUTCOME_LABELS[outcome]}
    </Badge>
  );
}

function lowerFirst(text: string): string {
  return text.length > 0 && !/^[A-Z]{2}/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** The part after the dash: what happens next, or why it ended. */
export function deliveryStateDetail(state: DeliveryState, now: Date = new Date()): ReactNode {
  const due = state.nextAttemptAt && state.nextAttemptAt.getTime() > now.getTime() ? state.nextAttemptAt : null;
  switch (state.outcome) {
    case "pending":
      return due ? (
        <>
          first attempt <RelativeTime value={due} />
        </>
      ) : (
        "first attempt due now"
      );
    case "retrying":
      return (
        <>
          attempt {Math.min(state.attemptsMade + 1, state.attemptsAllowed)} of {state.attemptsAllowed},{" "}
          {due ? (
            <>
              next <RelativeTime value={due} />
            </>
          ) : (
            "next due now"
          )}
        </>
      );
    case "held":
      if (state.heldBy === "cannot_sign") return "cannot sign: the encryption key of its secret is missing";
      if (state.heldBy === "listen_disconnected") return "waiting for the listen CLI to reconnect";
      return state.heldUntil && state.heldUntil.getTime() > now.getTime() ? (
        <>
          circuit open until <DateTime value={state.heldUntil} format="time" />
        </>
      ) : (
        "circuit open, a probe goes out next"
      );
    case "failed":
      if (state.test) return `test event, not retried${state.reason ? ` (${state.reason})` : ""}`;
      if (state.attemptsMade === 0) return state.reason ? `not retried (${state.reason})` : "not retried";
      return `gave up after ${plural(state.attemptsMade, "attempt", "attempts")}${state.reason ? ` (last: ${state.reason})` : ""}`;
    case "cancelled":
      return state.reason ? lowerFirst(state.reason) : "endpoint disabled or deleted";
    case "delivered":
      return state.attemptsMade > 1 ? `on attempt ${state.attemptsMade}` : null;
  }
}

/**
 * "Retrying — attempt 3 of 8, next in 29 min", with the badge when `badge`; manual
 * attempts are counted after it ("· 2 manual attempts"), apart from the schedule.
 */
export function DeliveryStateText({ state, badge = false, now }: { state: DeliveryState; badge?: boolean; now?: Date }) {
  const detail = deliveryStateDetail(state, now);
  return (
    <span className="inline-flex flex-wrap items-center gap-x-1.5 gap-y-1">
      {badge ? <OutcomeBadge outcome={state.outcome} /> : <span className="font-medium">{OUTCOME_LABELS[state.outcome]}</span>}
      {detail ? <span className="text-slate-600">{badge ? detail : <>— {detail}</>}</span> : null}
      {state.manualAttempts > 0 ? <span className="text-slate-500">· {plural(state.manualAttempts, "manual attempt", "manual attempts")}</span> : null}
    </span>
  );
}

const HEALTH_TONES: Record<EndpointHealth["state"], BadgeTone> = {
  active: "green",
  failing: "amber",
  circuit_open: "red",
  disabled: "gray",
  cannot_sign: "red",
};

const HEALTH_TITLES: Record<EndpointHealth["state"], string> = {
  active: "Its last attempt succeeded (or nothing has been sent yet)",
  failing: "Its recent attempts failed; deliveries are being retried",
  circuit_open: "Too many failures in a row: nothing is sent until the next probe succeeds. Deliveries are held, not lost.",
  disabled: "Receives nothing until re-enabled",
  cannot_sign: "No configured encryption key opens this endpoint's signing secret. Deliveries are held, not lost, until the key is restored.",
};

/** Active · Failing · Circuit open until … · Disabled — reason · Cannot sign, as a badge (plus the reason of a disabled one). */
export function EndpointHealthBadge({ health }: { health: EndpointHealth }) {
  const tone = HEALTH_TONES[health.state];
  const title = HEALTH_TITLES[health.state];
  let text: ReactNode;
  switch (health.state) {
    case "active":
      text = "Active";
      break;
    case "failing":
      text = "Failing";
      break;
    case "circuit_open":
      text = health.until ? (
        <>
          Circuit open until <DateTime value={health.until} format="time" />
        </>
      ) : (
        "Circuit open"
      );
      break;
    case "disabled":
      text = "Disabled";
      break;
    case "cannot_sign":
      text = "Cannot sign: encryption key missing";
      break;
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Badge tone={tone} dot title={title} wrap>
        {text}
      </Badge>
      {health.state === "disabled" && health.reason ? <span className="text-sm text-slate-600">{health.reason}</span> : null}
      {health.state === "failing" && health.since ? (
        <span className="text-xs text-slate-500">
          since <RelativeTime value={health.since} />
        </span>
      ) : null}
    </span>
  );
}
