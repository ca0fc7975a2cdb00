import type { LookupFunction } from "node:net";
import type { WebhookEndpoint } from "@/generated/prisma/client";
import { prisma as sharedPrisma } from "@/lib/db";
import { logger } from "@/lib/logger";
import { WebhookCircuitBreaker } from "@/lib/webhooks/circuit-breaker";
import { sqlTime, type DbClient } from "@/lib/database/db-types";
import { disableEndpoint, signingSecrets } from "@/lib/webhooks/endpoints";
import { emitPlatformEvent } from "@/lib/webhooks/enqueue";
import { SecretError, TransportError, WebhookValidationError } from "@/lib/webhooks/errors";
import type { LoadedDelivery } from "@/lib/webhooks/claim";
import { describeOutcome, LeaseLostError, recordAttempt, type AttemptRecorder, type RecordInput, type SignedSendResult } from "@/lib/webhooks/record";
import { classify, nextAttemptAt, RETRY_SCHEDULE_SECONDS, type AttemptVerdict } from "@/lib/webhooks/retry-policy";
import type { KeyRing } from "@/lib/webhooks/secrets";
import { buildWebhookHeaders } from "@/lib/webhooks/sign";
import { holdForUndecryptableSecret } from "@/lib/webhooks/signing-blocked";
import { recordAttemptMetrics } from "@/lib/webhooks/telemetry";
import { postWebhook } from "@/lib/webhooks/transport";

/** lastSuccessAt is refreshed at most this often on a healthy endpoint (one write less per delivery). */
const LAST_SUCCESS_RESOLUTION_MS = 60_000;

/** An endpoint failing every attempt for this long, without one success, is disabled. */
export const DISABLE_AFTER_FAILING_SECONDS = 5 * 24 * 60 * 60;

export interface SignedSendInput {
  url: string;
  /** The stored body: signed and sent exactly as given. */
  body: string;
  messageId: string;
  eventType: string;
  eventTimestamp: string;
  /** Newest first; any non-empty strings (see signStandardWebhook for how each becomes a key). */
  secrets: string[];
  attemptAt: Date;
  timeoutMs?: number;
  lookup?: LookupFunction;
}

/**
 * The one send path: every outbound webhook — scheduled attempt, redelivery,
 * test event, quick `sendWebhook` — is signed and posted here, so the SSRF
 * guard, signing, deadline and body cap cannot drift apart. Never throws for
 * network outcomes: a failed exchange comes back as a TransportError outcome.
 */
export async function sendSigned(input: SignedSendInput): Promise<SignedSendResult> {
  const headers = buildWebhookHeaders({
    messageId: input.messageId,
    eventType: input.eventType,
    eventTimestamp: input.eventTimestamp,
    body: input.body,
    secrets: input.secrets,
    attemptAt: input.attemptAt,
  });
  const started = performance.now();
  try {
    const response = await postWebhook({ url: input.url, headers, body: input.body, timeoutMs: input.timeoutMs, lookup: input.lookup });
    return { outcome: response, headers, durationMs: response.durationMs };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    if (error instanceof TransportError) return { outcome: error, headers, durationMs };
    // A stored URL the transport cannot use is this attempt's (permanent) outcome, not a crash.
    if (error instanceof WebhookValidationError) return { outcome: new TransportError("invalid_url", error.message), headers, durationMs };
    throw error;
  }
}

/**
 * The stored delivery's exact body, signed with the endpoint's current secrets, through {@link sendSigned}.
 * Throws SecretError, before anything is sent, when `keyRing` (default: the process's) cannot open a secret.
 */
export function sendStoredDelivery(
  delivery: {
    id: string;
    event: string;
    endpoint: Parameters<typeof signingSecrets>[0] & { url: string };
    webhookEvent: { body: string; createdAt: Date };
  },
  attemptAt: Date,
  options: { timeoutMs?: number; lookup?: LookupFunction; keyRing?: KeyRing } = {},
): Promise<SignedSendResult> {
  // Decrypted before the call, so a SecretError is thrown here, synchronously, with nothing sent.
  const secrets = signingSecrets(delivery.endpoint, attemptAt, options.keyRing);
  return sendSigned({
    url: delivery.endpoint.url,
    body: delivery.webhookEvent.body,
    messageId: delivery.id,
    eventType: delivery.event,
    eventTimestamp: delivery.webhookEvent.createdAt.toISOString(),
    secrets,
    attemptAt,
    timeoutMs: options.timeoutMs,
    lookup: options.lookup,
  });
}

export interface AttemptOptions {
  prisma?: DbClient;
  now?: () => Date;
  lookup?: LookupFunction;
  timeoutMs?: number;
  schedule?: readonly number[];
  random?: () => number;
  breaker?: WebhookCircuitBreaker;
  /** Where the attempt is written; default one statement per attempt ({@link recordAttempt}). */
  record?: AttemptRecorder;
  /** Opens the endpoint secrets; default the process's key ring. */
  keyRing?: KeyRing;
}

export type AttemptResult =
  | { kind: "attempted"; verdict: AttemptVerdict; statusCode?: number; error?: string; durationMs: number; status: "pending" | "delivered" | "failed" }
  /** The endpoint's circuit is open: nothing was sent and no attempt was used up. */
  | { kind: "deferred"; until: Date }
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
              "lastError" = 'Endpoint disabled', "updatedAt" = $3::timestamp(3)
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

  const attemptAt = now();
  let sent: SignedSendResult;
  try {
    sent = await sendStoredDelivery(delivery, attemptAt, options);
  } catch (caught) {
    if (!(caught instanceof SecretError)) throw caught;
    const released = await holdForUndecryptableSecret(db, { delivery, leaseOwner, error: caught, now: now() });
    return released ? { kind: "blocked" } : { kind: "lease_lost" };
  }
  const finishedAt = now();
  const verdict = classify(sent.outcome, finishedAt);
  const attemptsMade = delivery.attempts + 1;
  const retryAt = nextAttemptAt({
    attemptsMade,
    verdict,
    now: finishedAt,
    schedule: options.schedule ?? RETRY_SCHEDULE_SECONDS,
    random: options.random,
  });
  const status = verdict.kind === "success" ? "delivered" : retryAt ? "pending" : "failed";
  const { statusCode, error } = describeOutcome(sent.outcome);

  try {
    const record = options.record ?? ((input: RecordInput) => recordAttempt(db, input));
    await record({
      delivery: { id: delivery.id, organizationId: delivery.organizationId, endpointId: delivery.endpointId },
      leaseOwner,
      trigger: "scheduled",
      url: delivery.endpoint.url,
      sent,
      startedAt: attemptAt,
      finishedAt,
      status,
      nextAttemptAt: retryAt,
    });
  } catch (caught) {
    if (caught instanceof LeaseLostError) return { kind: "lease_lost" };
    throw caught;
  }

  recordAttemptMetrics({
    outcome: verdict.kind,
    statusCode,
    trigger: "scheduled",
    durationMs: sent.durationMs,
    finalStatus: status,
    enqueueToDeliveredMs: status === "delivered" ? finishedAt.getTime() - delivery.createdAt.getTime() : undefined,
  });
  await afterAttempt(db, breaker, delivery.endpoint, verdict, finishedAt, delivery.circuit);
  if (status === "failed" && verdict.kind === "retry" && delivery.event !== "delivery.exhausted") {
    await announceExhausted(delivery, attemptsMade);
  }
  return { kind: "attempted", verdict, statusCode, error, durationMs: sent.durationMs, status };
}

/** Endpoint-level consequences of one attempt: circuit, failure streak, auto-disable. */
export async function afterAttempt(
  db: DbClient,
  breaker: WebhookCircuitBreaker,
  endpoint: Pick<WebhookEndpoint, "id" | "organizationId" | "url" | "failingSince" | "lastSuccessAt">,
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
  const ref = { organizationId: endpoint.organizationId, endpointId: endpoint.id, prisma: db, now };
  if (verdict.kind === "disable") {
    await disableEndpoint({ ...ref, reason: "The endpoint answered 410 Gone" });
    logger.warn({ endpointId: endpoint.id, host: hostOf(endpoint.url) }, "endpoint disabled: 410 Gone");
  } else if (now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_SECONDS * 1000) {
    await disableEndpoint({ ...ref, reason: "Every attempt failed for 5 days" });
    logger.warn({ endpointId: endpoint.id, host: hostOf(endpoint.url) }, "endpoint disabled: failing for 5 days");
  }
}

/** Tells the tenant's endpoints subscribed to `delivery.exhausted` that a delivery ran out of retries. */
async function announceExhausted(delivery: { id: string; organizationId: string; endpointId: string; event: string; idempotencyKey: string }, attempts: number) {
  await emitPlatformEvent(delivery.organizationId, "delivery.exhausted", `exhausted-${delivery.id}`, {
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
    event: delivery.event,
    idempotencyKey: delivery.idempotencyKey,
    attempts,
  }).catch((error: unknown) => logger.error({ err: error, deliveryId: delivery.id }, "delivery.exhausted event failed"));
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid-url";
  }
}
