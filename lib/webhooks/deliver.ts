import type { LookupFunction } from "node:net";
import type { WebhookEndpoint } from "@/generated/prisma/client";
import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { WebhookCircuitBreaker } from "@/lib/webhooks/circuit-breaker";
import { sqlTime, type DbClient } from "@/lib/webhooks/db-types";
import { disableEndpoint, signingSecrets } from "@/lib/webhooks/endpoints";
import { sendWebhookNotification } from "@/lib/webhooks/enqueue";
import { TransportError, WebhookValidationError } from "@/lib/webhooks/errors";
import { classify, nextAttemptAt, RETRY_SCHEDULE_SECONDS, type AttemptVerdict } from "@/lib/webhooks/retry-policy";
import { buildWebhookHeaders } from "@/lib/webhooks/sign";
import { recordAttemptMetrics } from "@/lib/webhooks/telemetry";
import { postWebhook, type TransportResponse } from "@/lib/webhooks/transport";

/** An endpoint failing every attempt for this long, without one success, is disabled. */
export const DISABLE_AFTER_FAILING_SECONDS = 5 * 24 * 60 * 60;

export interface SignedSendInput {
  url: string;
  /** The stored body: signed and sent exactly as given. */
  body: string;
  messageId: string;
  eventType: string;
  eventTimestamp: string;
  /** Newest first. */
  secrets: string[];
  attemptAt: Date;
  timeoutMs?: number;
  lookup?: LookupFunction;
}

export interface SignedSendResult {
  outcome: TransportResponse | TransportError;
  /** Headers as sent. */
  headers: Record<string, string>;
  durationMs: number;
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

/** Signature values are not secret, but they are no use to a reader either: store them masked. */
export function maskSignatureHeaders(headers: Record<string, string>): Record<string, string> {
  const masked = { ...headers };
  if (masked["webhook-signature"]) masked["webhook-signature"] = masked["webhook-signature"].replace(/v1,[^ ]+/g, "v1,••••••••");
  if (masked["x-webhook-signature"]) masked["x-webhook-signature"] = `${masked["x-webhook-signature"].slice(0, 8)}••••••••`;
  return masked;
}

export interface AttemptOptions {
  prisma?: DbClient;
  now?: () => Date;
  lookup?: LookupFunction;
  timeoutMs?: number;
  schedule?: readonly number[];
  random?: () => number;
  breaker?: WebhookCircuitBreaker;
}

export type AttemptResult =
  | { kind: "attempted"; verdict: AttemptVerdict; statusCode?: number; error?: string; durationMs: number; status: "pending" | "delivered" | "failed" }
  /** The endpoint's circuit is open: nothing was sent and no attempt was used up. */
  | { kind: "deferred"; until: Date }
  /** The endpoint is gone or disabled: the delivery was cancelled. */
  | { kind: "cancelled" }
  /** Another worker holds the delivery now (our lease expired): nothing recorded. */
  | { kind: "lease_lost" };

export interface LeasedDelivery {
  id: string;
  leaseOwner: string;
}

export class LeaseLostError extends Error {}

/**
 * Makes one scheduled attempt of a delivery this worker has leased: sign the
 * stored body, post it, classify the outcome, then record the attempt and the
 * delivery's next state — only while the lease is still ours.
 */
export async function attemptDelivery(leased: LeasedDelivery, options: AttemptOptions = {}): Promise<AttemptResult> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  const breaker = options.breaker ?? new WebhookCircuitBreaker({ prisma: db, now });
  const delivery = await db.webhookDelivery.findUnique({
    where: { id: leased.id },
    include: { endpoint: true, webhookEvent: { select: { body: true, createdAt: true } } },
  });
  if (!delivery || delivery.leaseOwner !== leased.leaseOwner) return { kind: "lease_lost" };

  if (delivery.endpoint.status !== "active") {
    const changed = await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery" SET "status" = 'cancelled', "nextAttemptAt" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
              "lastError" = 'Endpoint disabled', "updatedAt" = $3::timestamp(3)
        WHERE "id" = $1 AND "leaseOwner" = $2`,
      delivery.id,
      leased.leaseOwner,
      sqlTime(now()),
    );
    return changed ? { kind: "cancelled" } : { kind: "lease_lost" };
  }

  if (await breaker.isOpen(delivery.endpointId)) {
    const circuit = await breaker.status(delivery.endpointId);
    const until = circuit.probeAt && circuit.probeAt > now() ? circuit.probeAt : new Date(now().getTime() + 5_000);
    const changed = await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery" SET "nextAttemptAt" = $3::timestamp(3), "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = $4::timestamp(3)
        WHERE "id" = $1 AND "leaseOwner" = $2`,
      delivery.id,
      leased.leaseOwner,
      sqlTime(until),
      sqlTime(now()),
    );
    return changed ? { kind: "deferred", until } : { kind: "lease_lost" };
  }

  const attemptAt = now();
  const sent = await sendSigned({
    url: delivery.endpoint.url,
    body: delivery.webhookEvent.body,
    messageId: delivery.id,
    eventType: delivery.event,
    eventTimestamp: delivery.webhookEvent.createdAt.toISOString(),
    secrets: signingSecrets(delivery.endpoint, attemptAt),
    attemptAt,
    timeoutMs: options.timeoutMs,
    lookup: options.lookup,
  });
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
    await recordAttempt(db, {
      delivery: { id: delivery.id, organizationId: delivery.organizationId, endpointId: delivery.endpointId },
      leaseOwner: leased.leaseOwner,
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
  await afterAttempt(db, breaker, delivery.endpoint, verdict, finishedAt);
  if (status === "failed" && verdict.kind === "retry" && delivery.event !== "delivery.exhausted") {
    await announceExhausted(delivery, attemptsMade);
  }
  return { kind: "attempted", verdict, statusCode, error, durationMs: sent.durationMs, status };
}

export function describeOutcome(outcome: TransportResponse | TransportError): { statusCode?: number; error?: string; errorCode?: string } {
  if (outcome instanceof TransportError) return { error: outcome.message, errorCode: outcome.code };
  const ok = outcome.status >= 200 && outcome.status < 300;
  return { statusCode: outcome.status, error: ok ? undefined : `HTTP ${outcome.status}` };
}

export interface RecordInput {
  delivery: { id: string; organizationId: string; endpointId: string };
  /** When set, the delivery is only updated while this worker still holds its lease. */
  leaseOwner?: string;
  trigger: "scheduled" | "manual" | "test";
  url: string;
  sent: SignedSendResult;
  startedAt: Date;
  finishedAt: Date;
  status: "pending" | "delivered" | "failed" | "cancelled";
  nextAttemptAt: Date | null;
}

/** Writes the attempt row and the delivery's new state in one transaction. */
export async function recordAttempt(db: DbClient, input: RecordInput): Promise<void> {
  const { statusCode, error, errorCode } = describeOutcome(input.sent.outcome);
  const response = input.sent.outcome instanceof TransportError ? undefined : input.sent.outcome;
  const write = async (tx: DbClient) => {
    const updated = await tx.$executeRawUnsafe(
      `UPDATE "WebhookDelivery"
          SET "status" = $3::"DeliveryStatus", "attempts" = "attempts" + 1, "nextAttemptAt" = $4::timestamp(3),
              "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "lastStatusCode" = $5, "lastError" = $6,
              "deliveredAt" = CASE WHEN $3 = 'delivered' THEN $7::timestamp(3) ELSE "deliveredAt" END,
              "updatedAt" = $7::timestamp(3)
        WHERE "id" = $1 AND ($2::text IS NULL OR "leaseOwner" = $2)`,
      input.delivery.id,
      input.leaseOwner ?? null,
      input.status,
      input.nextAttemptAt ? sqlTime(input.nextAttemptAt) : null,
      statusCode ?? null,
      error ?? null,
      sqlTime(input.finishedAt),
    );
    if (updated === 0) throw new LeaseLostError();
    // Numbered across the delivery's whole history (a recovered delivery restarts its schedule, not its log).
    const number = (await tx.webhookAttempt.count({ where: { deliveryId: input.delivery.id } })) + 1;
    await tx.webhookAttempt.create({
      data: {
        id: newId("att"),
        organizationId: input.delivery.organizationId,
        deliveryId: input.delivery.id,
        endpointId: input.delivery.endpointId,
        number,
        trigger: input.trigger,
        startedAt: input.startedAt,
        durationMs: Math.round(input.sent.durationMs),
        url: input.url,
        requestHeaders: maskSignatureHeaders(input.sent.headers),
        statusCode: statusCode ?? null,
        responseHeaders: response?.headers,
        responseBody: response?.body,
        responseBodyTruncated: response?.bodyTruncated ?? false,
        errorCode: errorCode ?? null,
        error: error ?? null,
        success: statusCode !== undefined && statusCode >= 200 && statusCode < 300,
      },
    });
  };
  await ("$transaction" in db ? db.$transaction(write) : write(db));
}

/** Endpoint-level consequences of one attempt: circuit, failure streak, auto-disable. */
export async function afterAttempt(
  db: DbClient,
  breaker: WebhookCircuitBreaker,
  endpoint: WebhookEndpoint,
  verdict: AttemptVerdict,
  now: Date,
): Promise<void> {
  if (verdict.kind === "success") {
    await breaker.recordSuccess(endpoint.id);
    await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { lastSuccessAt: now, failingSince: null } });
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
  await sendWebhookNotification(delivery.organizationId, "delivery.exhausted", `exhausted-${delivery.id}`, {
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
