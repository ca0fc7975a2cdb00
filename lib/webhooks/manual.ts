import { randomBytes } from "node:crypto";
import type { LookupFunction } from "node:net";
import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { WebhookCircuitBreaker } from "@/lib/webhooks/circuit-breaker";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { afterAttempt, sendSigned, sendStoredDelivery } from "@/lib/webhooks/deliver";
import { describeOutcome, recordAttempt } from "@/lib/webhooks/record";
import { signingSecrets } from "@/lib/webhooks/endpoints";
import { SecretError, TransportError, WebhookConflictError, WebhookNotFoundError, WebhookValidationError } from "@/lib/webhooks/errors";
import { EVENT_CATALOGUE, serializeEnvelope } from "@/lib/webhooks/events";
import { classify, nextAttemptAt } from "@/lib/webhooks/retry-policy";
import { signalDeliveriesDue } from "@/lib/webhooks/enqueue";

/** How long a manual attempt holds its delivery; longer than any attempt's deadline. */
const MANUAL_LEASE_SECONDS = 120;

export interface ManualOptions {
  organizationId: string;
  prisma?: DbClient;
  now?: () => Date;
  lookup?: LookupFunction;
  timeoutMs?: number;
  schedule?: readonly number[];
}

/** What an admin sees right after a manual send. */
export interface ManualAttemptResult {
  deliveryId: string;
  success: boolean;
  statusCode?: number;
  error?: string;
  durationMs: number;
  /** The first 1 000 characters of the response body. */
  responseSnippet?: string;
  status: "pending" | "delivered" | "failed" | "cancelled";
}

const RESPONSE_SNIPPET_CHARS = 1_000;

/**
 * The endpoint's signing secrets, opened before anything is leased or stored:
 * a secret no configured key opens is a state the admin must fix (restore the
 * key), not a server error, and must not leave a delivery leased for nothing.
 */
function openSecretsOrConflict(endpoint: Parameters<typeof signingSecrets>[0], at: Date): string[] {
  try {
    return signingSecrets(endpoint, at);
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    throw new WebhookConflictError(
      "signing_key_missing",
      "Cannot sign: the encryption key of this endpoint's secret is missing from WEBHOOK_ENCRYPTION_KEYS. Restore the key, then try again.",
    );
  }
}

async function takeManualLease(db: DbClient, deliveryId: string, now: Date): Promise<string> {
  const owner = `manual:${randomBytes(6).toString("hex")}`;
  const taken = await db.$executeRawUnsafe(
    `UPDATE "WebhookDelivery" SET "leaseOwner" = $2, "leaseExpiresAt" = $3::timestamp(3)
      WHERE "id" = $1 AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" <= $4::timestamp(3))`,
    deliveryId,
    owner,
    sqlTime(new Date(now.getTime() + MANUAL_LEASE_SECONDS * 1000)),
    sqlTime(now),
  );
  if (taken === 0) throw new WebhookConflictError("delivery_in_progress", "This delivery is being attempted right now; try again in a moment");
  return owner;
}

/**
 * Sends one delivery again, right now, through the one send path, and records
 * the attempt as `manual`. Same `webhook-id` as every earlier attempt. A
 * success marks it delivered; a failure keeps a pending delivery on its retry
 * schedule and leaves a finished one as it was.
 * Throws WebhookNotFoundError (another org's id too) or WebhookConflictError.
 */
export async function redeliver(options: ManualOptions & { deliveryId: string }): Promise<ManualAttemptResult> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  const delivery = await db.webhookDelivery.findFirst({
    where: { id: options.deliveryId, organizationId: options.organizationId },
    include: { endpoint: true, webhookEvent: { select: { body: true, createdAt: true } } },
  });
  if (!delivery) throw new WebhookNotFoundError("delivery_not_found", `Delivery ${options.deliveryId} not found`);
  if (delivery.endpoint.status !== "active") {
    throw new WebhookConflictError("endpoint_disabled", "The endpoint is disabled; enable it before redelivering");
  }
  openSecretsOrConflict(delivery.endpoint, now());
  const leaseOwner = await takeManualLease(db, delivery.id, now());
  const attemptAt = now();
  const sent = await sendStoredDelivery(delivery, attemptAt, options);
  const finishedAt = now();
  const verdict = classify(sent.outcome, finishedAt);
  let status: ManualAttemptResult["status"];
  let retryAt: Date | null = null;
  if (verdict.kind === "success") status = "delivered";
  else if (delivery.status === "pending") {
    retryAt = nextAttemptAt({ attemptsMade: delivery.attempts + 1, verdict, now: finishedAt, schedule: options.schedule });
    status = retryAt ? "pending" : "failed";
  } else status = delivery.status;
  await recordAttempt(db, {
    delivery: { id: delivery.id, organizationId: delivery.organizationId, endpointId: delivery.endpointId },
    leaseOwner,
    trigger: "manual",
    url: delivery.endpoint.url,
    sent,
    startedAt: attemptAt,
    finishedAt,
    status,
    nextAttemptAt: retryAt,
  });
  await afterAttempt(db, new WebhookCircuitBreaker({ prisma: db, now }), delivery.endpoint, verdict, finishedAt);
  return summarise(delivery.id, sent.outcome, sent.durationMs, status);
}

function summarise(
  deliveryId: string,
  outcome: Parameters<typeof describeOutcome>[0],
  durationMs: number,
  status: ManualAttemptResult["status"],
): ManualAttemptResult {
  const { statusCode, error } = describeOutcome(outcome);
  return {
    deliveryId,
    success: status === "delivered" && !(outcome instanceof TransportError),
    statusCode,
    error,
    durationMs: Math.round(durationMs),
    responseSnippet: outcome instanceof TransportError ? undefined : outcome.body.slice(0, RESPONSE_SNIPPET_CHARS),
    status,
  };
}

/**
 * "Send test event": records a `webhook.test` event with one delivery to this
 * endpoint, makes a single attempt (trigger `test`, no retries) and returns
 * what happened. Works on a disabled endpoint too, so admins can check a fix
 * before enabling it again.
 */
export async function sendTestEvent(options: ManualOptions & { endpointId: string }): Promise<ManualAttemptResult> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id: options.endpointId, organizationId: options.organizationId } });
  if (!endpoint) throw new WebhookNotFoundError("endpoint_not_found", `Endpoint ${options.endpointId} not found`);
  const createdAt = now();
  const secrets = openSecretsOrConflict(endpoint, createdAt);
  const eventId = newId("evt");
  const deliveryId = newId("msg");
  const idempotencyKey = `test-${deliveryId}`;
  const sample = EVENT_CATALOGUE.find((definition) => definition.name === "webhook.test")!.sample;
  const body = serializeEnvelope({ event: "webhook.test", idempotencyKey, timestamp: createdAt.toISOString(), data: { ...sample, endpointId: endpoint.id } });
  const leaseOwner = `test:${randomBytes(6).toString("hex")}`;
  await db.webhookEvent.create({
    data: {
      id: eventId,
      organizationId: endpoint.organizationId,
      eventType: "webhook.test",
      idempotencyKey,
      body,
      createdAt,
      deliveries: {
        create: {
          id: deliveryId,
          organizationId: endpoint.organizationId,
          endpointId: endpoint.id,
          event: "webhook.test",
          idempotencyKey,
          createdAt,
          // Leased by this call from the start, so no worker picks it up.
          leaseOwner,
          leaseExpiresAt: new Date(createdAt.getTime() + MANUAL_LEASE_SECONDS * 1000),
        },
      },
    },
  });
  const attemptAt = now();
  const sent = await sendSigned({
    url: endpoint.url,
    body,
    messageId: deliveryId,
    eventType: "webhook.test",
    eventTimestamp: createdAt.toISOString(),
    secrets,
    attemptAt,
    timeoutMs: options.timeoutMs,
    lookup: options.lookup,
  });
  const finishedAt = now();
  const status = classify(sent.outcome, finishedAt).kind === "success" ? "delivered" : "failed";
  await recordAttempt(db, {
    delivery: { id: deliveryId, organizationId: endpoint.organizationId, endpointId: endpoint.id },
    leaseOwner,
    trigger: "test",
    url: endpoint.url,
    sent,
    startedAt: attemptAt,
    finishedAt,
    status,
    nextAttemptAt: null,
  });
  return summarise(deliveryId, sent.outcome, sent.durationMs, status);
}

/**
 * "Recover failed since …": puts an endpoint's failed deliveries created at or
 * after `since` back on the queue with a fresh retry schedule (same ids, so
 * receivers can still deduplicate). Returns how many were re-queued.
 */
export async function recoverFailedDeliveries(options: ManualOptions & { endpointId: string; since: Date }): Promise<number> {
  const db = options.prisma ?? sharedPrisma;
  const now = (options.now ?? (() => new Date()))();
  if (Number.isNaN(options.since.getTime()) || options.since > now) {
    throw new WebhookValidationError("invalid_input", "since must be a valid time in the past");
  }
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id: options.endpointId, organizationId: options.organizationId } });
  if (!endpoint) throw new WebhookNotFoundError("endpoint_not_found", `Endpoint ${options.endpointId} not found`);
  if (endpoint.status !== "active") {
    throw new WebhookConflictError("endpoint_disabled", "The endpoint is disabled; enable it before recovering deliveries");
  }
  const count = await db.$executeRawUnsafe(
    `UPDATE "WebhookDelivery"
        SET "status" = 'pending', "attempts" = 0, "nextAttemptAt" = $3::timestamp(3), "leaseOwner" = NULL,
            "leaseExpiresAt" = NULL, "updatedAt" = $3::timestamp(3)
      WHERE "endpointId" = $1 AND "status" IN ('failed', 'cancelled') AND "createdAt" >= $2::timestamp(3)`,
    endpoint.id,
    sqlTime(options.since),
    sqlTime(now),
  );
  if (count > 0) signalDeliveriesDue();
  return count;
}
