import { randomBytes } from "node:crypto";
import type { LookupFunction } from "node:net";
import { z } from "zod";
import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { makeAttempt } from "@/lib/webhooks/attempt";
import { assertNetworkEndpoint, findOwned } from "@/lib/webhooks/endpoints";
import { signalDeliveriesDue } from "@/lib/webhooks/enqueue";
import { SecretError, TransportError, WebhookConflictError, WebhookNotFoundError, WebhookValidationError } from "@/lib/webhooks/errors";
import { EVENT_CATALOGUE, serializeEnvelope, type WebhookEnvelope } from "@/lib/webhooks/events";
import { describeOutcome } from "@/lib/webhooks/record";
import { MISSED_CANCEL_REASON, TEST_EVENT_TYPE } from "@/lib/webhooks/outcomes";
import type { StoredSecrets } from "@/lib/webhooks/secrets";
import { openAttemptCredentials } from "@/lib/webhooks/endpoint-headers";
import { activeTraceparent } from "@/lib/webhooks/tracing";

/** How long a manual attempt holds its delivery; longer than any attempt's deadline. */
const MANUAL_LEASE_SECONDS = 120;

export interface ManualOptions {
  organizationId: string;
  prisma?: DbClient;
  now?: () => Date;
  lookup?: LookupFunction;
  /** Certificate authorities trusted besides the system's (tests). */
  ca?: readonly string[];
  timeoutMs?: number;
  schedule?: readonly number[];
}

/** What an admin sees right after a manual send. */
export interface ManualAttemptResult {
  deliveryId: string;
  success: boolean;
  statusCode?: number;
  error?: string;
  /** Why no HTTP exchange happened (TransportError code: timeout, dns_failure, connection_failed, …). */
  errorCode?: string;
  durationMs: number;
  /** The first 1 000 characters of the response body. */
  responseSnippet?: string;
  status: "pending" | "delivered" | "failed" | "cancelled";
  /** Set when the redelivery was sent outside its endpoint's order by key (ordering.ts). */
  outsideOrder?: { orderingKey: string; note: string };
}

/** What a redelivery on an ordered endpoint tells the person who sent it. */
export const OUTSIDE_ORDER_NOTE =
  "Sent now, outside this endpoint's order by key: a redelivery does not wait for earlier deliveries of its key, and later ones do not wait for it.";

const RESPONSE_SNIPPET_CHARS = 1_000;

/**
 * Opens the endpoint's signing secrets before anything is leased or stored:
 * a secret no configured key opens is a state the admin must fix (restore the
 * key), not a server error, and must not leave a delivery leased for nothing.
 */
function assertSecretsOpen(endpoint: StoredSecrets & { headersEncrypted: string | null }, at: Date): void {
  try {
    openAttemptCredentials(endpoint, at);
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
    include: { endpoint: true, webhookEvent: { select: { body: true, createdAt: true, traceparent: true } } },
  });
  if (!delivery) throw new WebhookNotFoundError("delivery_not_found", `Delivery ${options.deliveryId} not found`);
  assertNetworkEndpoint(delivery.endpoint, "be redelivered by hand");
  if (delivery.endpoint.status !== "active") {
    throw new WebhookConflictError("endpoint_disabled", "The endpoint is disabled; enable it before redelivering");
  }
  assertSecretsOpen(delivery.endpoint, now());
  const leaseOwner = await takeManualLease(db, delivery.id, now());
  let made: Awaited<ReturnType<typeof makeAttempt>>;
  try {
    made = await makeAttempt(delivery, { ...options, prisma: db, now, trigger: "manual", leaseOwner });
  } catch (error) {
    // Nothing was recorded (e.g. no start free within the rate limit): the delivery goes back to its schedule at once.
    await releaseManualLease(db, delivery.id, leaseOwner);
    throw error;
  }
  if (made.kind !== "attempted") throw new WebhookConflictError("delivery_in_progress", "This delivery was taken over while it was being attempted; try again in a moment");
  const result = summarise(delivery.id, made.sent.outcome, made.durationMs, made.status);
  return delivery.orderingKey === null ? result : { ...result, outsideOrder: { orderingKey: delivery.orderingKey, note: OUTSIDE_ORDER_NOTE } };
}

async function releaseManualLease(db: DbClient, deliveryId: string, owner: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE "WebhookDelivery" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL WHERE "id" = $1 AND "leaseOwner" = $2`, deliveryId, owner);
}

function summarise(
  deliveryId: string,
  outcome: Parameters<typeof describeOutcome>[0],
  durationMs: number,
  status: ManualAttemptResult["status"],
): ManualAttemptResult {
  const { statusCode, error, errorCode } = describeOutcome(outcome);
  return {
    deliveryId,
    success: status === "delivered" && !(outcome instanceof TransportError),
    statusCode,
    error,
    ...(errorCode ? { errorCode } : {}),
    durationMs: Math.round(durationMs),
    responseSnippet: outcome instanceof TransportError ? undefined : outcome.body.slice(0, RESPONSE_SNIPPET_CHARS),
    status,
  };
}

/**
 * A test send's idempotency key starts with this. A test of `invoice.paid` carries the
 * catalogue's sample, not a real invoice: receivers tell the two apart by this prefix
 * (and may skip side effects for it), whatever the event type.
 */
export const TEST_IDEMPOTENCY_KEY_PREFIX = "test-";

const CATALOGUE_NAMES = EVENT_CATALOGUE.map((definition) => definition.name) as [string, ...string[]];

/**
 * The optional `eventType` of a test send: a name from the event catalogue (default
 * `webhook.test`). Any other name is a 400 that lists the names allowed.
 */
export const testEventTypeField = z.enum(CATALOGUE_NAMES, {
  error: `must be an event type from the catalogue: ${CATALOGUE_NAMES.join(", ")}`,
});

/**
 * The envelope of a test send of `eventType`: the catalogue's sample as `data` (for
 * `webhook.test`, plus the endpoint's id when there is one), under an idempotency key
 * that starts with {@link TEST_IDEMPOTENCY_KEY_PREFIX}. Throws WebhookValidationError
 * `invalid_event_type` for a name outside the catalogue.
 */
export function testEnvelope(options: { eventType?: string; messageId: string; timestamp: Date; endpointId?: string }): WebhookEnvelope {
  const eventType = options.eventType ?? TEST_EVENT_TYPE;
  const definition = EVENT_CATALOGUE.find((candidate) => candidate.name === eventType);
  if (!definition) {
    throw new WebhookValidationError("invalid_event_type", `A test event must be one of the catalogue's event types (${CATALOGUE_NAMES.join(", ")}); got ${JSON.stringify(eventType).slice(0, 80)}`);
  }
  const data = eventType === TEST_EVENT_TYPE && options.endpointId ? { ...(definition.example as Record<string, unknown>), endpointId: options.endpointId } : definition.example;
  return { event: eventType, idempotencyKey: `${TEST_IDEMPOTENCY_KEY_PREFIX}${options.messageId}`, timestamp: options.timestamp.toISOString(), data };
}

/** Whether an endpoint receives `eventType`: `webhook.test` always; otherwise when it is subscribed to everything or to that type. */
export function receivesTestEventType(endpoint: { eventTypes: readonly string[] }, eventType: string): boolean {
  return eventType === TEST_EVENT_TYPE || endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(eventType);
}

/**
 * "Send test event": records an event of `eventType` (default `webhook.test`) carrying
 * the catalogue's sample, with one delivery to this endpoint, makes a single attempt
 * (trigger `test`, no retries) and returns what happened. The idempotency key starts
 * with `test-` so receivers can tell it from a real event. Works on a disabled endpoint
 * too, so admins can check a fix before enabling it again.
 * Throws WebhookNotFoundError (another org's id too), WebhookValidationError
 * `invalid_event_type` (not in the catalogue, or a type the endpoint does not receive)
 * or WebhookConflictError (its secret cannot be opened).
 */
export async function sendTestEvent(options: ManualOptions & { endpointId: string; eventType?: string }): Promise<ManualAttemptResult> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  const endpoint = await findOwned(db, options.organizationId, options.endpointId);
  assertNetworkEndpoint(endpoint, "be sent a test event from here");
  const eventType = options.eventType ?? TEST_EVENT_TYPE;
  const createdAt = now();
  const deliveryId = newId("msg");
  const envelope = testEnvelope({ eventType, messageId: deliveryId, timestamp: createdAt, endpointId: endpoint.id });
  if (!receivesTestEventType(endpoint, eventType)) {
    throw new WebhookValidationError(
      "invalid_event_type",
      `This endpoint does not receive ${eventType}: it is subscribed to ${endpoint.eventTypes.join(", ")}. Choose one of those, or ${TEST_EVENT_TYPE}.`,
    );
  }
  // Checked before anything is stored: a secret no key opens is a conflict for the admin to fix.
  assertSecretsOpen(endpoint, createdAt);
  const eventId = newId("evt");
  const idempotencyKey = envelope.idempotencyKey;
  const body = serializeEnvelope(envelope);
  const leaseOwner = `test:${randomBytes(6).toString("hex")}`;
  // The test's attempt joins the trace of the request that asked for it, if any (tracing.ts).
  const traceparent = activeTraceparent();
  await db.webhookEvent.create({
    data: {
      id: eventId,
      organizationId: endpoint.organizationId,
      eventType,
      idempotencyKey,
      body,
      createdAt,
      traceparent,
      deliveries: {
        create: {
          id: deliveryId,
          organizationId: endpoint.organizationId,
          endpointId: endpoint.id,
          event: eventType,
          idempotencyKey,
          createdAt,
          // Leased by this call from the start, so no worker picks it up.
          leaseOwner,
          leaseExpiresAt: new Date(createdAt.getTime() + MANUAL_LEASE_SECONDS * 1000),
        },
      },
    },
  });
  let made: Awaited<ReturnType<typeof makeAttempt>>;
  try {
    made = await makeAttempt(
    {
      id: deliveryId,
      organizationId: endpoint.organizationId,
      endpointId: endpoint.id,
      event: eventType,
      idempotencyKey,
      attempts: 0,
      status: "pending",
      createdAt,
      endpoint,
      webhookEvent: { body, createdAt, traceparent },
    },
    { ...options, prisma: db, now, trigger: "test", leaseOwner },
    );
  } catch (error) {
    // Not sent (e.g. no start free within the rate limit): the test delivery must not wait for a worker either.
    await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery" SET "status" = 'cancelled', "nextAttemptAt" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "lastError" = $3
        WHERE "id" = $1 AND "leaseOwner" = $2`,
      deliveryId,
      leaseOwner,
      `Not sent: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500),
    );
    throw error;
  }
  if (made.kind !== "attempted") throw new WebhookConflictError("delivery_in_progress", "The test delivery was taken over while it was being attempted");
  return summarise(deliveryId, made.sent.outcome, made.durationMs, made.status);
}

/**
 * Which of an endpoint's unsent deliveries {@link recoverDeliveries} puts back on the queue:
 * - `failed`: "Recover failed since …": failed and cancelled deliveries created at or after `since`;
 * - `missed`: "Replay what was missed": deliveries cancelled because the endpoint was disabled
 *   (created while it was, or pending when it was), since its latest disabled period began.
 */
export type RecoverFilter = { failedSince: Date } | { missed: true };

/** The WHERE clause (after the endpoint) of each filter, and its one parameter. */
function recoverCondition(filter: RecoverFilter, endpoint: { lastDisabledAt: Date | null }): { sql: string; since: Date | null } {
  if ("failedSince" in filter) return { sql: `"status" IN ('failed', 'cancelled') AND "createdAt" >= $2::timestamp(3)`, since: filter.failedSince };
  // Cancelled when the endpoint was disabled (updatedAt = that moment) or created cancelled afterwards.
  return { sql: `"status" = 'cancelled' AND "cancelReason" = '${MISSED_CANCEL_REASON}' AND "updatedAt" >= $2::timestamp(3)`, since: endpoint.lastDisabledAt };
}

/**
 * How many deliveries {@link recoverDeliveries} would re-queue now, and since when (the filter's
 * time, or the latest disabled period's start): the numbers behind "replay the N events since it
 * was disabled". One delivery per event and endpoint, so `count` is also the number of events.
 * Throws WebhookNotFoundError (another org's id too).
 */
export async function countRecoverable(options: { organizationId: string; endpointId: string; filter: RecoverFilter; prisma?: DbClient }): Promise<{ count: number; since: Date | null }> {
  const db = options.prisma ?? sharedPrisma;
  const endpoint = await findOwned(db, options.organizationId, options.endpointId);
  const condition = recoverCondition(options.filter, endpoint);
  if (!condition.since) return { count: 0, since: null };
  const [row] = await db.$queryRawUnsafe<{ count: number }[]>(
    `SELECT count(*)::int AS "count" FROM "WebhookDelivery" WHERE "endpointId" = $1 AND ${condition.sql}`,
    endpoint.id,
    sqlTime(condition.since),
  );
  return { count: Number(row?.count ?? 0), since: condition.since };
}

/**
 * Puts an endpoint's unsent deliveries chosen by `filter` back on the queue with a fresh retry
 * schedule, through the normal pipeline: same ids (each keeps its own `webhook-id`, so receivers
 * can still deduplicate), the endpoint's order by key and rate limit apply as to any delivery.
 * Returns how many were re-queued. Throws WebhookValidationError (a `failedSince` that is not a
 * time in the past), WebhookNotFoundError (another org's id too) or WebhookConflictError
 * (`endpoint_disabled`: enable it first).
 */
export async function recoverDeliveries(options: ManualOptions & { endpointId: string; filter: RecoverFilter }): Promise<number> {
  const db = options.prisma ?? sharedPrisma;
  const now = (options.now ?? (() => new Date()))();
  if ("failedSince" in options.filter && (Number.isNaN(options.filter.failedSince.getTime()) || options.filter.failedSince > now)) {
    throw new WebhookValidationError("invalid_input", "since must be a valid time in the past");
  }
  const endpoint = await findOwned(db, options.organizationId, options.endpointId);
  if (endpoint.status !== "active") {
    throw new WebhookConflictError("endpoint_disabled", "The endpoint is disabled; enable it before recovering or replaying deliveries");
  }
  const condition = recoverCondition(options.filter, endpoint);
  if (!condition.since) return 0;
  const count = await db.$executeRawUnsafe(
    `UPDATE "WebhookDelivery"
        SET "status" = 'pending', "attempts" = 0, "nextAttemptAt" = $3::timestamp(3), "leaseOwner" = NULL,
            "leaseExpiresAt" = NULL, "cancelReason" = NULL, "updatedAt" = $3::timestamp(3)
      WHERE "endpointId" = $1 AND ${condition.sql}`,
    endpoint.id,
    sqlTime(condition.since),
    sqlTime(now),
  );
  if (count > 0) signalDeliveriesDue();
  return count;
}
