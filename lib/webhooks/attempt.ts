import type { Span } from "@opentelemetry/api";
import type { WebhookEndpoint } from "@/generated/prisma/client";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { prisma as sharedPrisma } from "@/lib/db";
import { logger } from "@/lib/logger";
import type { LoadedDelivery } from "@/lib/webhooks/claim";
import { WebhookCircuitBreaker } from "@/lib/webhooks/circuit-breaker";
import { disableEndpoint } from "@/lib/webhooks/endpoints";
import { LeaseLostError, SecretError, WebhookConflictError } from "@/lib/webhooks/errors";
import { announceDeliveryExhausted } from "@/lib/webhooks/platform-events";
import { type AttemptRecorder, describeOutcome, recordAttempt, type RecordInput } from "@/lib/webhooks/record";
import { type AttemptVerdict, classify, nextAttemptAt, RETRY_SCHEDULE_SECONDS } from "@/lib/webhooks/retry-policy";
import { takeRateSlot } from "@/lib/webhooks/rate-limit";
import { retrySchedule } from "@/lib/webhooks/retry-presets";
import type { StoredSecrets } from "@/lib/webhooks/secrets";
import { sendStoredDelivery, type SendOptions, type SignedSendResult } from "@/lib/webhooks/send";
import { holdForUndecryptableSecret } from "@/lib/webhooks/stored-secrets";
import { recordAttemptMetrics, telemetry } from "@/lib/webhooks/telemetry";
import { inAttemptSpan, inSpan, recordAttemptOutcome, SPAN_NAMES, TRACE_ATTRIBUTES } from "@/lib/webhooks/tracing";

/** lastSuccessAt is refreshed at most this often on a healthy endpoint (one write less per delivery). */
const LAST_SUCCESS_RESOLUTION_MS = 60_000;

/** An endpoint failing every attempt for this long, without one success, is disabled. */
export const DISABLE_AFTER_FAILING_SECONDS = 5 * 24 * 60 * 60;

export interface AttemptOptions extends SendOptions {
  prisma?: DbClient;
  now?: () => Date;
  schedule?: readonly number[];
  random?: () => number;
  breaker?: WebhookCircuitBreaker;
  /** Where the attempt is written; default one statement per attempt ({@link recordAttempt}). */
  record?: AttemptRecorder;
}

export type AttemptResult =
  | { kind: "attempted"; verdict: AttemptVerdict; statusCode?: number; error?: string; durationMs: number; status: "pending" | "delivered" | "failed" | "cancelled" }
  /** The endpoint's circuit is open: nothing was sent and no attempt was used up. */
  | { kind: "deferred"; until: Date }
  /** No start was free within the endpoint's rate limit soon: back in the queue until `until`, no attempt used up. */
  | { kind: "rate_limited"; until: Date }
  /** The endpoint is gone or disabled: the delivery was cancelled. */
  | { kind: "cancelled" }
  /** Another worker holds the delivery now (our lease expired): nothing recorded. */
  | { kind: "lease_lost" }
  /** No configured key opens the endpoint's secret: nothing was sent or used up, the endpoint is marked, the lease released. */
  | { kind: "blocked" };

/**
 * Makes one scheduled attempt of a delivery this worker has claimed
 * (claimDueDeliveries returns it loaded, lease included): sign the
 * stored body, post it, classify the outcome, then record the attempt and the
 * delivery's next state — only while the lease is still ours.
 */
export async function attemptDelivery(delivery: LoadedDelivery, options: AttemptOptions = {}): Promise<AttemptResult> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  const breaker = options.breaker ?? new WebhookCircuitBreaker({ prisma: db, now });
  const leaseOwner = delivery.leaseOwner;
  // A lease that ran out before we started (a stalled process) may already be another worker's: send nothing.
  if (!leaseOwner || !delivery.leaseExpiresAt || delivery.leaseExpiresAt <= now()) return { kind: "lease_lost" };

  if (delivery.endpoint.status !== "active") {
    const changed = await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery" SET "status" = 'cancelled', "nextAttemptAt" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
              "lastError" = 'Endpoint disabled', "cancelReason" = 'endpoint_disabled', "updatedAt" = $3::timestamp(3)
        WHERE "id" = $1 AND "leaseOwner" = $2`,
      delivery.id,
      leaseOwner,
      sqlTime(now()),
    );
    return changed ? { kind: "cancelled" } : { kind: "lease_lost" };
  }

  // The claim skipped open circuits; only a non-closed circuit (cooldown over) needs the probe dance.
  if (delivery.circuit && delivery.circuit.state !== "closed" && (await breaker.isOpen(delivery.endpointId))) {
    const circuit = await breaker.status(delivery.endpointId);
    const until = circuit.probeAt && circuit.probeAt > now() ? circuit.probeAt : new Date(now().getTime() + 5_000);
    const changed = await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery" SET "nextAttemptAt" = $3::timestamp(3), "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = $4::timestamp(3)
        WHERE "id" = $1 AND "leaseOwner" = $2`,
      delivery.id,
      leaseOwner,
      sqlTime(until),
      sqlTime(now()),
    );
    return changed ? { kind: "deferred", until } : { kind: "lease_lost" };
  }

  try {
    const made = await makeAttempt({ ...delivery, status: "pending" }, { ...options, prisma: db, now, breaker, trigger: "scheduled", leaseOwner });
    if (made.kind !== "rate_limited") return made;
    // Waiting for the rate limit is not an attempt: the delivery goes back to the queue as it was.
    const changed = await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery" SET "nextAttemptAt" = $3::timestamp(3), "leaseOwner" = NULL, "leaseExpiresAt" = NULL
        WHERE "id" = $1 AND "leaseOwner" = $2`,
      delivery.id,
      leaseOwner,
      sqlTime(made.until),
    );
    return changed ? made : { kind: "lease_lost" };
  } catch (caught) {
    if (!(caught instanceof SecretError)) throw caught;
    const released = await holdForUndecryptableSecret(db, { delivery, leaseOwner, error: caught, now: now() });
    return released ? { kind: "blocked" } : { kind: "lease_lost" };
  }
}

export type AttemptTrigger = "scheduled" | "manual" | "test";

/** What one attempt needs: the delivery with its state, its endpoint, the stored body, and its circuit if known. */
export type AttemptTarget = Pick<LoadedDelivery, "id" | "organizationId" | "endpointId" | "event" | "idempotencyKey" | "attempts" | "createdAt" | "webhookEvent" | "claimSpan"> & {
  /** Its queue on an ordered endpoint, if any: when it finishes, the queue's next delivery is released. */
  orderingKey?: string | null;
  /** The delivery's state before this attempt (`attempts`: how many were made before it). */
  status: "pending" | "delivered" | "failed" | "cancelled";
  endpoint: StoredSecrets &
    Pick<WebhookEndpoint, "organizationId" | "url" | "status" | "failingSince" | "lastSuccessAt" | "rateLimitPerSecond"> &
    Pick<LoadedDelivery["endpoint"], "retryPreset" | "headersEncrypted" | "sendTraceparent">;
  /** What the caller knows of the endpoint's circuit; `undefined`: unknown (the breaker is always written). */
  circuit?: LoadedDelivery["circuit"];
};

export interface MakeAttemptOptions extends AttemptOptions {
  trigger: AttemptTrigger;
  /** Who holds the delivery's lease; only the holder's result is recorded. */
  leaseOwner: string;
  /** Manual and test attempts on a rate-limited endpoint: the longest wait for a start (default 10 s). */
  maxRateWaitMs?: number;
}

export type AttemptMade = Extract<AttemptResult, { kind: "attempted" }> & { sent: SignedSendResult };

/**
 * The one attempt pipeline, for every trigger: sign the stored body and send it
 * through the guarded transport, classify the outcome, decide the delivery's next
 * state, record the attempt (only while `leaseOwner` holds the lease), count it in
 * the metrics, inform the circuit breaker and the endpoint's failure streak, and
 * announce `delivery.exhausted` when the delivery runs out of retries.
 *
 * What the trigger changes is only the next state: a failed `scheduled`
 * attempt is retried on the schedule (or gives up); a failed `manual` attempt
 * leaves the delivery as it was — still pending with its next scheduled attempt
 * where it was, or still failed — because a redelivery by hand never uses up or
 * moves an automatic retry; a `test` attempt is never retried. Scheduled attempts
 * are counted in `attempts`, manual and test ones in `manualAttempts`. Throws SecretError, with nothing sent, when no key opens the
 * endpoint's secret; returns `lease_lost` when the lease was no longer ours.
 *
 * A scheduled attempt follows the endpoint's retry preset (retry-presets.ts; `standard`
 * is `options.schedule`). On a rate-limited endpoint every attempt first takes a start
 * (rate-limit.ts): a scheduled one returns `rate_limited`, with nothing sent, when no
 * start is free within the horizon; a manual or test one waits for its start (at most
 * `options.maxRateWaitMs`) and otherwise throws WebhookConflictError `endpoint_rate_limited`.
 *
 * What is sent and recorded is traced as a `webhook.attempt` span in the trace of the ingest
 * that stored the event (tracing.ts), with the record write as its `webhook.record` child;
 * an endpoint with `sendTraceparent` gets that span's context as a `traceparent` header.
 */
export async function makeAttempt(target: AttemptTarget, options: MakeAttemptOptions): Promise<AttemptMade | { kind: "lease_lost" } | { kind: "rate_limited"; until: Date }> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  const breaker = options.breaker ?? new WebhookCircuitBreaker({ prisma: db, now });
  if (target.endpoint.rateLimitPerSecond !== null) {
    const slot = await takeRateSlot(db, {
      endpointId: target.endpointId,
      perSecond: target.endpoint.rateLimitPerSecond,
      now,
      mode: options.trigger === "scheduled" ? "queue" : "wait",
      maxWaitMs: options.maxRateWaitMs,
    });
    if (slot.kind === "go" && slot.waitedMs > 0) telemetry().rateLimited.inc({ result: "waited" });
    if (slot.kind === "later") {
      if (options.trigger === "scheduled") {
        telemetry().rateLimited.inc({ result: "requeued" });
        return { kind: "rate_limited", until: slot.retryAt };
      }
      const seconds = Math.max(1, Math.ceil((slot.retryAt.getTime() - now().getTime()) / 1000));
      throw new WebhookConflictError(
        "endpoint_rate_limited",
        `This endpoint's rate limit (${target.endpoint.rateLimitPerSecond} per second) is taken by queued deliveries for the next ${seconds} s; try again then`,
      );
    }
  }
  const attemptsMade = target.attempts + 1;
  const described = {
    deliveryId: target.id,
    organizationId: target.organizationId,
    endpointId: target.endpointId,
    eventType: target.event,
    url: target.endpoint.url,
    number: attemptsMade,
    trigger: options.trigger,
    traceparent: target.webhookEvent.traceparent,
    claimSpan: target.claimSpan,
  };
  return inAttemptSpan(described, (attemptSpan, traceparent) => sendAndRecord(target, { ...options, prisma: db, now, breaker }, attemptSpan, traceparent));
}

/** The part of {@link makeAttempt} inside its span: send, classify, record, count, inform the endpoint. */
async function sendAndRecord(
  target: AttemptTarget,
  options: MakeAttemptOptions & { prisma: DbClient; now: () => Date; breaker: WebhookCircuitBreaker },
  attemptSpan: Span,
  traceparent: () => string,
): Promise<AttemptMade | { kind: "lease_lost" }> {
  const { prisma: db, now, breaker } = options;
  const attemptAt = now();
  // Not part of what is signed: the signatures cover the stored body (and id and timestamp) only.
  const sent = await sendStoredDelivery({ ...target, traceparent: target.endpoint.sendTraceparent ? traceparent() : undefined }, attemptAt, options);
  const finishedAt = now();
  const verdict = classify(sent.outcome, finishedAt);
  recordAttemptOutcome(attemptSpan, sent.outcome, verdict.kind);
  const attemptsMade = target.attempts + 1;
  let status: AttemptTarget["status"];
  let retryAt: Date | null = null;
  let keepSchedule = false;
  if (verdict.kind === "success") status = "delivered";
  else if (options.trigger === "test") status = "failed";
  else if (options.trigger === "manual") {
    status = target.status;
    keepSchedule = true;
  } else if (target.status === "pending") {
    const schedule = retrySchedule(target.endpoint.retryPreset, options.schedule ?? RETRY_SCHEDULE_SECONDS);
    retryAt = nextAttemptAt({ attemptsMade, verdict, now: finishedAt, schedule, random: options.random });
    status = retryAt ? "pending" : "failed";
  } else status = target.status;
  const { statusCode, error } = describeOutcome(sent.outcome);

  try {
    const record = options.record ?? ((input: RecordInput) => recordAttempt(db, input));
    const recording = { [TRACE_ATTRIBUTES.deliveryId]: target.id };
    await inSpan(SPAN_NAMES.record, { attributes: recording }, () => record({
      delivery: { id: target.id, organizationId: target.organizationId, endpointId: target.endpointId, orderingKey: target.orderingKey ?? null },
      leaseOwner: options.leaseOwner,
      trigger: options.trigger,
      url: target.endpoint.url,
      sent,
      startedAt: attemptAt,
      finishedAt,
      status,
      nextAttemptAt: retryAt,
      keepSchedule,
    }));
  } catch (caught) {
    if (caught instanceof LeaseLostError) return { kind: "lease_lost" };
    throw caught;
  }

  // A delivery finishes once: a manual attempt of an already finished delivery is counted, but not finished again.
  const finished = status !== target.status && (status === "delivered" || status === "failed");
  recordAttemptMetrics({
    outcome: verdict.kind,
    statusCode,
    trigger: options.trigger,
    durationMs: sent.durationMs,
    finalStatus: finished ? status : "pending",
    enqueueToDeliveredMs: finished && status === "delivered" ? finishedAt.getTime() - target.createdAt.getTime() : undefined,
  });
  await afterAttempt(db, breaker, target.endpoint, verdict, finishedAt, target.circuit);
  if (finished && status === "failed" && verdict.kind === "retry" && options.trigger === "scheduled") {
    await announceDeliveryExhausted(target, attemptsMade);
  }
  return { kind: "attempted", verdict, statusCode, error, durationMs: sent.durationMs, status, sent };
}

/**
 * Endpoint-level consequences of one attempt: circuit, failure streak, auto-disable.
 * An endpoint already disabled (a test send to check a fix) keeps its reason.
 */
export async function afterAttempt(
  db: DbClient,
  breaker: WebhookCircuitBreaker,
  endpoint: Pick<WebhookEndpoint, "id" | "organizationId" | "url" | "status" | "failingSince" | "lastSuccessAt">,
  verdict: AttemptVerdict,
  now: Date,
  /** What the caller already knows of the circuit; `undefined` means unknown (always write). */
  circuit?: { state: string; consecutiveFailures: number } | null,
): Promise<void> {
  if (verdict.kind === "success") {
    // The hot path: skip writes that would change nothing.
    if (circuit === undefined || (circuit !== null && (circuit.state !== "closed" || circuit.consecutiveFailures > 0))) {
      await breaker.recordSuccess(endpoint.id);
    }
    if (endpoint.failingSince !== null || !endpoint.lastSuccessAt || now.getTime() - endpoint.lastSuccessAt.getTime() > LAST_SUCCESS_RESOLUTION_MS) {
      await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { lastSuccessAt: now, failingSince: null } });
    }
    return;
  }
  await breaker.recordFailure(endpoint.id);
  const failingSince = endpoint.failingSince ?? now;
  await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { lastFailureAt: now, failingSince } });
  if (endpoint.status === "disabled") return;
  const ref = { organizationId: endpoint.organizationId, endpointId: endpoint.id, prisma: db, now: () => now };
  if (verdict.kind === "disable") {
    await disableEndpoint({ ...ref, reason: "The endpoint answered 410 Gone" });
    logger.warn({ endpointId: endpoint.id, host: hostOf(endpoint.url) }, "endpoint disabled: 410 Gone");
  } else if (now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_SECONDS * 1000) {
    await disableEndpoint({ ...ref, reason: "Every attempt failed for 5 days" });
    logger.warn({ endpointId: endpoint.id, host: hostOf(endpoint.url) }, "endpoint disabled: failing for 5 days");
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid-url";
  }
}
