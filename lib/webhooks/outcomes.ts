import type { Prisma } from "@/generated/prisma/client";

/**
 * The one definition of what a delivery's state means to a person, and of the
 * success rate. Every figure on a screen (tiles, charts, top failing, alerts,
 * endpoint rows, history) and the metrics API count with these predicates, so
 * no two of them can disagree about the same deliveries.
 *
 * The stored states stay `pending`, `delivered`, `failed`, `cancelled`. Two more
 * are derived for display and for the history filter:
 * - **retrying**: pending, with failed scheduled attempts, and will try again;
 * - **held**: pending, but its endpoint's circuit is open (or its secret cannot be
 *   opened), so nothing is sent until that clears.
 * A pending delivery with no scheduled attempt yet, and not held, is **pending**.
 * **failed** means it gave up: no attempt is left. **cancelled**: its endpoint was
 * disabled or deleted before it was delivered.
 */
/**
 * The cancel reason of a delivery its endpoint was disabled for — created while it was, or
 * pending when it was: what it missed, which "replay" puts back on the queue.
 */
export const MISSED_CANCEL_REASON = "endpoint_disabled";

export const DELIVERY_OUTCOMES = ["pending", "retrying", "held", "delivered", "failed", "cancelled"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Why a held delivery waits. */
export type HeldBy = "circuit_open" | "cannot_sign" | "listen_disconnected";

/** What {@link deliveryState} reads of a delivery. */
export interface OutcomeInput {
  status: "pending" | "delivered" | "failed" | "cancelled";
  /** Scheduled attempts made (the schedule's position). */
  attempts: number;
  manualAttempts?: number;
  nextAttemptAt: Date | null;
  lastStatusCode?: number | null;
  lastError?: string | null;
  /** With `idempotencyKey`: tells a test send ("Send test event", key `test-<its own id>`) from a real delivery. */
  id?: string;
  idempotencyKey?: string;
}

/** What {@link deliveryState} reads of the delivery's endpoint right now. */
export interface EndpointCondition {
  signingBlockedAt?: Date | null;
  /** A listen endpoint whose CLI is not connected: its deliveries wait for the next connection (listen.ts). */
  listenDisconnected?: boolean;
  /** The endpoint's circuit row, if it has one. */
  circuit?: { state: "closed" | "open" | "half_open"; probeAt: Date | null } | null;
}

/** A delivery as a person should read it: what happened, what happens next, and why. */
export interface DeliveryState {
  outcome: DeliveryOutcome;
  /** Scheduled attempts made so far, and how many the schedule allows in all. */
  attemptsMade: number;
  attemptsAllowed: number;
  /** Attempts by hand (redeliver) or by "Send test event", which never move the schedule. */
  manualAttempts: number;
  /** pending/retrying: when the next scheduled attempt is due. */
  nextAttemptAt: Date | null;
  /** held: why, and until when (the circuit's next probe; null while a secret cannot be opened). */
  heldBy: HeldBy | null;
  heldUntil: Date | null;
  /** failed/cancelled: the last error we know of ("HTTP 500", "Endpoint disabled"). */
  reason: string | null;
  /** A test delivery ("Send test event"): one attempt, never retried. */
  test: boolean;
}

/** The event type of "Send test event" unless another catalogue type is chosen. */
export const TEST_EVENT_TYPE = "webhook.test";

/**
 * A test send's idempotency key is `test-` and the delivery's own id, which is made when the
 * delivery is: no producer can choose it in advance, so it marks test sends of any event type.
 */
export function isTestDelivery(delivery: Pick<OutcomeInput, "id" | "idempotencyKey">): boolean {
  return delivery.id !== undefined && delivery.idempotencyKey === `test-${delivery.id}`;
}

/** Why the endpoint's deliveries are held, if they are: its secret cannot be opened, its listen CLI is away, or its circuit is not closed. */
export function isHeld(endpoint: EndpointCondition): HeldBy | null {
  if (endpoint.signingBlockedAt) return "cannot_sign";
  if (endpoint.listenDisconnected) return "listen_disconnected";
  if (endpoint.circuit && endpoint.circuit.state !== "closed") return "circuit_open";
  return null;
}

/** The derived outcome of one delivery (see the module comment for the definitions). */
export function deliveryOutcome(delivery: Pick<OutcomeInput, "status" | "attempts">, endpoint: EndpointCondition = {}): DeliveryOutcome {
  if (delivery.status !== "pending") return delivery.status;
  if (isHeld(endpoint)) return "held";
  return delivery.attempts > 0 ? "retrying" : "pending";
}

/** A delivery's state for display: outcome, attempt counts, next attempt, hold and reason. */
export function deliveryState(delivery: OutcomeInput, endpoint: EndpointCondition, schedule: { attemptsAllowed: number }): DeliveryState {
  const outcome = deliveryOutcome(delivery, endpoint);
  const heldBy = outcome === "held" ? isHeld(endpoint) : null;
  return {
    outcome,
    attemptsMade: delivery.attempts,
    attemptsAllowed: schedule.attemptsAllowed,
    manualAttempts: delivery.manualAttempts ?? 0,
    nextAttemptAt: outcome === "pending" || outcome === "retrying" || outcome === "held" ? delivery.nextAttemptAt : null,
    heldBy,
    heldUntil: heldBy === "circuit_open" ? (endpoint.circuit?.probeAt ?? null) : null,
    reason: outcome === "failed" || outcome === "cancelled" || outcome === "retrying" ? (delivery.lastError ?? null) : null,
    test: isTestDelivery(delivery),
  };
}

/** Counts of one set of deliveries by outcome, and the success rate over them. */
export interface OutcomeCounts {
  /** Every delivery in the set, whatever its state. */
  total: number;
  delivered: number;
  /** Gave up. */
  failed: number;
  /** Pending with failed scheduled attempts (retrying or held after failing). */
  failing: number;
  /** Pending with no scheduled attempt yet. */
  waiting: number;
  cancelled: number;
  /** Delivered + failing + failed: the deliveries that have an answer so far. The success rate divides by this. */
  attempted: number;
  /** Delivered of attempted, in percent (2 decimals); null when nothing was attempted. */
  successRate: number | null;
}

/** What the success rate divides by, in words (shown under every success rate). */
export const SUCCESS_RATE_BASIS = "delivered, of deliveries attempted (delivered, retrying or given up)";

/**
 * The SQL of each count, over a `"WebhookDelivery"` aliased `alias`. Select them with
 * {@link outcomeCountColumns} and read the row with {@link readOutcomeCounts}. Each
 * predicate is also a filter: `WHERE ${OUTCOME_PREDICATES.failing("d")}`.
 */
export const OUTCOME_PREDICATES = {
  delivered: (alias: string) => `${alias}."status" = 'delivered'`,
  failed: (alias: string) => `${alias}."status" = 'failed'`,
  failing: (alias: string) => `(${alias}."status" = 'pending' AND ${alias}."attempts" > 0)`,
  waiting: (alias: string) => `(${alias}."status" = 'pending' AND ${alias}."attempts" = 0)`,
  cancelled: (alias: string) => `${alias}."status" = 'cancelled'`,
  attempted: (alias: string) => `(${alias}."status" IN ('delivered', 'failed') OR (${alias}."status" = 'pending' AND ${alias}."attempts" > 0))`,
} as const;

const COUNTED = ["delivered", "failed", "failing", "waiting", "cancelled", "attempted"] as const;

/**
 * `count(*) … AS "<prefix>total", count(*) FILTER (WHERE …) AS "<prefix>delivered", …` for a
 * SELECT list; `where` narrows every count (e.g. the last 24 hours of a longer scan).
 */
export function outcomeCountColumns(alias: string, options: { prefix?: string; where?: string } = {}): string {
  const prefix = options.prefix ?? "";
  const narrow = (predicate: string) => (options.where ? `${options.where} AND ${predicate}` : predicate);
  const total = options.where ? `count(*) FILTER (WHERE ${options.where})::int` : "count(*)::int";
  return [`${total} AS "${prefix}total"`, ...COUNTED.map((key) => `count(*) FILTER (WHERE ${narrow(OUTCOME_PREDICATES[key](alias))})::int AS "${prefix}${key}"`)].join(",\n       ");
}

const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

/** Delivered of attempted in percent, 2 decimals; null when nothing was attempted. */
export function successRateOf(delivered: number, attempted: number): number | null {
  return attempted === 0 ? null : Math.round((delivered / attempted) * 10_000) / 100;
}

/** Reads the columns of {@link outcomeCountColumns} from a result row. */
export function readOutcomeCounts(row: Record<string, unknown> | undefined, prefix = ""): OutcomeCounts {
  const get = (key: string) => num(row?.[`${prefix}${key}`]);
  const counts = { total: get("total"), delivered: get("delivered"), failed: get("failed"), failing: get("failing"), waiting: get("waiting"), cancelled: get("cancelled"), attempted: get("attempted") };
  return { ...counts, successRate: successRateOf(counts.delivered, counts.attempted) };
}

/** The same counts in memory, for deliveries already loaded (and to check the SQL against). */
export function countOutcomes(deliveries: Iterable<Pick<OutcomeInput, "status" | "attempts">>): OutcomeCounts {
  const counts = { total: 0, delivered: 0, failed: 0, failing: 0, waiting: 0, cancelled: 0, attempted: 0 };
  for (const delivery of deliveries) {
    counts.total += 1;
    if (delivery.status === "delivered") counts.delivered += 1;
    else if (delivery.status === "failed") counts.failed += 1;
    else if (delivery.status === "cancelled") counts.cancelled += 1;
    else if (delivery.attempts > 0) counts.failing += 1;
    else counts.waiting += 1;
  }
  counts.attempted = counts.delivered + counts.failed + counts.failing;
  return { ...counts, successRate: successRateOf(counts.delivered, counts.attempted) };
}

/**
 * The history filter for a derived outcome, as a Prisma condition. `heldEndpointIds` are the
 * organization's endpoints whose deliveries are held right now ({@link isHeld}); the caller
 * loads them (a handful of rows) so the filter stays one indexed query.
 */
export function outcomeWhere(outcome: DeliveryOutcome, heldEndpointIds: readonly string[]): Prisma.WebhookDeliveryWhereInput {
  const held = [...heldEndpointIds];
  switch (outcome) {
    case "held":
      return { status: "pending", endpointId: { in: held } };
    case "retrying":
      return { status: "pending", attempts: { gt: 0 }, endpointId: { notIn: held } };
    case "pending":
      return { status: "pending", attempts: 0, endpointId: { notIn: held } };
    default:
      return { status: outcome };
  }
}

/** How an endpoint is doing, for its status badge. */
export type EndpointHealthState = "active" | "failing" | "circuit_open" | "disabled" | "cannot_sign";

export interface EndpointHealth {
  state: EndpointHealthState;
  /** disabled: why. */
  reason: string | null;
  /** failing / circuit_open: since when its attempts fail. */
  since: Date | null;
  /** circuit_open: when the next probe may go. */
  until: Date | null;
}

/**
 * An endpoint's health from its own row and its circuit: disabled (with the reason) wins,
 * then "cannot sign", then an open circuit (until its next probe), then failing (its last
 * attempt failed: `failingSince` is set), else active.
 */
export function endpointHealth(
  endpoint: { status: "active" | "disabled"; disabledReason?: string | null; signingBlockedAt?: Date | null; failingSince?: Date | null },
  circuit: EndpointCondition["circuit"] = null,
): EndpointHealth {
  if (endpoint.status === "disabled") return { state: "disabled", reason: endpoint.disabledReason ?? null, since: null, until: null };
  if (endpoint.signingBlockedAt) return { state: "cannot_sign", reason: null, since: endpoint.signingBlockedAt, until: null };
  if (circuit && circuit.state !== "closed") return { state: "circuit_open", reason: null, since: endpoint.failingSince ?? null, until: circuit.probeAt };
  if (endpoint.failingSince) return { state: "failing", reason: null, since: endpoint.failingSince, until: null };
  return { state: "active", reason: null, since: null, until: null };
}

/**
 * The derived outcome as one SQL expression, over a delivery `d`, its endpoint `e` and its
 * circuit `c` (LEFT JOIN "WebhookCircuit" c ON c."key" = e."id"): the same rules as
 * {@link deliveryOutcome}.
 */
export function outcomeCaseSql(d: string, e: string, c: string): string {
  return `CASE WHEN ${d}."status" <> 'pending' THEN ${d}."status"::text
               WHEN ${heldSql(e, c)} THEN 'held'
               WHEN ${d}."attempts" > 0 THEN 'retrying'
               ELSE 'pending' END`;
}

/**
 * True when an endpoint `e` (with its circuit `c`, LEFT JOINed) holds its pending deliveries:
 * the SQL of {@link isHeld}.
 */
export function heldSql(e: string, c: string): string {
  return `(${e}."signingBlockedAt" IS NOT NULL OR (${e}."kind" = 'cli' AND ${e}."status" = 'disabled') OR (${c}."state" IS NOT NULL AND ${c}."state" <> 'closed'))`;
}
