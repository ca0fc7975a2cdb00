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

  const write = (db: DbClient) => writeEvent(db, { organizationId, event, idempotencyKey, body, createdAt });
  if (options.tx) return write(options.tx);
  const result = await sharedPrisma.$transaction(write);
  if (result.deliveries.length > 0 && !result.duplicate) signalDeliveriesDue();
  return result;
}

interface EventRow {
  organizationId: string;
  event: string;
  idempotencyKey: string;
  body: string;
  createdAt: Date;
}

async function writeEvent(db: DbClient, row: EventRow): Promise<EnqueueResult> {
  const organization = await db.organization.findUnique({ where: { id: row.organizationId }, select: { id: true } });
  if (!organization) throw new WebhookNotFoundError("organization_not_found", `Organization ${row.organizationId} not found`);

  const eventId = newId("evt");
  // INSERT … ON CONFLICT DO NOTHING: a concurrent insert with the same key waits
  // for the other transaction and then inserts nothing, instead of failing.
  const { count } = await db.webhookEvent.createMany({
    data: [{ id: eventId, organizationId: row.organizationId, eventType: row.event, idempotencyKey: row.idempotencyKey, body: row.body, createdAt: row.createdAt }],
    skipDuplicates: true,
  });
  if (count === 0) {
    const existing = await db.webhookEvent.findUniqueOrThrow({
      where: { organizationId_idempotencyKey: { organizationId: row.organizationId, idempotencyKey: row.idempotencyKey } },
      select: { id: true, deliveries: { select: { id: true, endpointId: true }, orderBy: { id: "asc" } } },
    });
    return { eventId: existing.id, deliveries: existing.deliveries, duplicate: true };
  }

  const endpoints = await db.webhookEndpoint.findMany({
    where: {
      organizationId: row.organizationId,
      status: "active",
      OR: [{ eventTypes: { isEmpty: true } }, { eventTypes: { has: row.event } }],
    },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const deliveries = endpoints.map((endpoint) => ({ id: newId("msg"), endpointId: endpoint.id }));
  if (deliveries.length > 0) {
    await db.webhookDelivery.createMany({
      data: deliveries.map((delivery) => ({
        id: delivery.id,
        organizationId: row.organizationId,
        eventId,
        endpointId: delivery.endpointId,
        event: row.event,
        idempotencyKey: row.idempotencyKey,
        nextAttemptAt: row.createdAt,
        createdAt: row.createdAt,
      })),
    });
    // Delivered to listeners only when (and if) the transaction commits.
    await db.$executeRawUnsafe(`SELECT pg_notify('${DELIVERY_CHANNEL}', '')`);
  }
  return { eventId, deliveries, duplicate: false };
}
