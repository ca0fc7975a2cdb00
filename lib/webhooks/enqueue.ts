import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import type { DbClient } from "@/lib/webhooks/db-types";
import { WebhookNotFoundError } from "@/lib/webhooks/errors";
import { assertEventType, assertIdempotencyKey, serializeEnvelope } from "@/lib/webhooks/events";
import { DELIVERY_CHANNEL, signalDeliveriesDue } from "@/lib/webhooks/signal";

export interface EnqueueOptions {
  /**
   * An interactive transaction of the caller's: the event is written inside it,
   * so it is delivered if and only if that transaction commits.
   */
  tx?: DbClient;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

export interface EnqueuedDelivery {
  id: string;
  endpointId: string;
}

export interface EnqueueResult {
  eventId: string;
  deliveries: EnqueuedDelivery[];
  /** True when an event with this idempotency key already existed; nothing new was written. */
  duplicate: boolean;
}

/**
 * Durably records an event and one delivery per enabled endpoint of the
 * organization subscribed to it, in one transaction. The envelope
 * `{event, idempotencyKey, timestamp, data}` is serialised here, once; those
 * bytes are what every attempt signs and sends.
 *
 * Idempotent per (organization, idempotencyKey): a repeat — even 50 concurrent
 * ones — returns the first event with `duplicate: true` and never errors.
 * Throws WebhookValidationError (invalid_event_type, invalid_idempotency_key,
 * invalid_payload, payload_too_large) or WebhookNotFoundError
 * (organization_not_found).
 */
export async function sendWebhookNotification(
  organizationId: string,
  event: string,
  idempotencyKey: string,
  data: unknown,
  options: EnqueueOptions = {},
): Promise<EnqueueResult> {
  assertEventType(event);
  assertIdempotencyKey(idempotencyKey);
  const createdAt = (options.now ?? (() => new Date()))();
  const body = serializeEnvelope({ event, idempotencyKey, timestamp: createdAt.toISOString(), data });

  const db = options.tx ?? sharedPrisma;
  const result = await writeEvent(db, { organizationId, event, idempotencyKey, body, createdAt });
  if (!options.tx && result.deliveries.length > 0 && !result.duplicate) signalDeliveriesDue();
  return result;
}

interface EventRow {
  organizationId: string;
  event: string;
  idempotencyKey: string;
  body: string;
  createdAt: Date;
}

/**
 * Two statements and no interactive transaction: read the subscribed
 * endpoints, then ONE statement that inserts the event (ON CONFLICT DO NOTHING
 * on the idempotency key), a delivery per endpoint only if the event was new,
 * and the NOTIFY — atomic on its own, or inside the caller's transaction.
 * A concurrent insert of the same key waits for the other and then inserts
 * nothing, so repeats never fail.
 */
async function writeEvent(db: DbClient, row: EventRow): Promise<EnqueueResult> {
  const endpoints = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "WebhookEndpoint"
      WHERE "organizationId" = $1 AND "status" = 'active' AND (cardinality("eventTypes") = 0 OR $2 = ANY("eventTypes"))
      ORDER BY "id"`,
    row.organizationId,
    row.event,
  );
  const eventId = newId("evt");
  const deliveries = endpoints.map((endpoint) => ({ id: newId("msg"), endpointId: endpoint.id }));
  const [outcome] = await db.$queryRawUnsafe<{ organization: number; inserted: number; deliveries: number; notified: number }[]>(
    `WITH org AS (
       SELECT "id" FROM "Organization" WHERE "id" = $1
     ), event AS (
       INSERT INTO "WebhookEvent" ("id", "organizationId", "eventType", "idempotencyKey", "body", "createdAt")
       SELECT $2, org."id", $3, $4, $5, $6::timestamp(3) FROM org
       ON CONFLICT ("organizationId", "idempotencyKey") DO NOTHING
       RETURNING "id"
     ), delivery AS (
       INSERT INTO "WebhookDelivery" ("id", "organizationId", "eventId", "endpointId", "event", "idempotencyKey",
                                      "nextAttemptAt", "createdAt", "updatedAt")
       SELECT d."id", $1, event."id", d."endpointId", $3, $4, $6::timestamp(3), $6::timestamp(3), $6::timestamp(3)
         FROM event, unnest($7::text[], $8::text[]) AS d("id", "endpointId")
       RETURNING "id"
     ), notify AS (
       -- Delivered to listeners only when (and if) the surrounding transaction commits.
       SELECT pg_notify('${DELIVERY_CHANNEL}', '') FROM (SELECT 1 FROM delivery LIMIT 1) AS any_delivery
     )
     SELECT (SELECT count(*) FROM org)::int AS "organization",
            (SELECT count(*) FROM event)::int AS "inserted",
            (SELECT count(*) FROM delivery)::int AS "deliveries",
            (SELECT count(*) FROM notify)::int AS "notified"`,
    row.organizationId,
    eventId,
    row.event,
    row.idempotencyKey,
    row.body,
    row.createdAt.toISOString(),
    deliveries.map((delivery) => delivery.id),
    deliveries.map((delivery) => delivery.endpointId),
  );
  if (!outcome || outcome.organization === 0) {
    throw new WebhookNotFoundError("organization_not_found", `Organization ${row.organizationId} not found`);
  }
  if (outcome.inserted === 0) {
    const existing = await db.webhookEvent.findUniqueOrThrow({
      where: { organizationId_idempotencyKey: { organizationId: row.organizationId, idempotencyKey: row.idempotencyKey } },
      select: { id: true, deliveries: { select: { id: true, endpointId: true }, orderBy: { id: "asc" } } },
    });
    return { eventId: existing.id, deliveries: existing.deliveries, duplicate: true };
  }
  return { eventId, deliveries, duplicate: false };
}
