import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { sqlTime, type DbClient } from "@/lib/database/db-types";
import type { LoadedDelivery } from "@/lib/webhooks/claim";
import { reserveLocalSlot, type LocalSlots } from "@/lib/webhooks/local-handoff";
import { WebhookNotFoundError } from "@/lib/webhooks/errors";
import { assertEventType, assertIdempotencyKey, assertNotReservedEventType, serializeEnvelope } from "@/lib/webhooks/events";
import { assertOrderingKey, unparkHeads } from "@/lib/webhooks/ordering";
import { assertEventData } from "@/lib/webhooks/event-catalogue";
import { MISSED_CANCEL_REASON } from "@/lib/webhooks/outcomes";
import { groupCommit } from "@/lib/database/group-commit";
import { hotStatement, runHot } from "@/lib/database/hot-sql";
import { EventEmitter } from "node:events";
import { logger } from "@/lib/logger";
import { activeTraceparent, inSpan, SPAN_NAMES, SpanKind, TRACE_ATTRIBUTES } from "@/lib/webhooks/tracing";

export interface EnqueueOptions {
  /**
   * An interactive transaction of the caller's: the event is written inside it,
   * so it is delivered if and only if that transaction commits.
   */
  tx?: DbClient;
  /**
   * 1–255 characters. On endpoints with `ordering: "ordered"`, deliveries with the same
   * key are attempted one at a time, in the order they were enqueued (see ordering.ts);
   * other endpoints ignore it. Stored with the event either way.
   */
  orderingKey?: string;
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
 * organization subscribed to it, in one transaction. A disabled endpoint
 * subscribed to it gets a delivery too, cancelled at once with reason
 * `endpoint_disabled`: what it missed, which can be replayed when it is enabled
 * again (`recoverDeliveries`). Those are not in the result's `deliveries`. The envelope
 * `{event, idempotencyKey, timestamp, data}` is serialised here, once; those
 * bytes are what every attempt signs and sends.
 *
 * `data` is any JSON-serialisable value, or {@link RawJson} (`rawJson(text)`) to
 * deliver JSON text exactly as given — large integers and number formats intact.
 *
 * Idempotent per (organization, idempotencyKey): a repeat — even 50 concurrent
 * ones — returns the first event with `duplicate: true` and never errors.
 * Throws WebhookValidationError (invalid_event_type, reserved_event_type for the
 * platform's own names such as `endpoint.disabled`, invalid_idempotency_key,
 * invalid_ordering_key, invalid_payload — also a declared type's data that does
 * not match its schema, with `issues` —, undeclared_event_type, payload_too_large)
 * or WebhookNotFoundError (organization_not_found).
 */
export async function sendWebhookNotification(
  organizationId: string,
  event: string,
  idempotencyKey: string,
  data: unknown,
  options: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const attributes = { [TRACE_ATTRIBUTES.organizationId]: organizationId, [TRACE_ATTRIBUTES.eventType]: event };
  return inSpan(SPAN_NAMES.ingest, { attributes }, async (span) => {
    const row = prepareEvent(organizationId, event, idempotencyKey, data, { orderingKey: options.orderingKey, now: options.now });
    const result = await enqueueEvent(row, { tx: options.tx });
    span.setAttributes({ [TRACE_ATTRIBUTES.eventId]: result.eventId, [TRACE_ATTRIBUTES.deliveries]: result.deliveries.length, [TRACE_ATTRIBUTES.duplicate]: result.duplicate });
    return result;
  });
}

/** What {@link prepareEvent} takes besides the event itself. */
export interface PrepareOptions {
  /** See {@link EnqueueOptions.orderingKey}. */
  orderingKey?: string;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** The platform's own events (platform-events.ts) may use the reserved names; nobody else. */
  platformEvent?: boolean;
}

/** An event checked and serialised, ready to be written. */
export interface EventRow {
  organizationId: string;
  event: string;
  idempotencyKey: string;
  orderingKey: string | null;
  body: string;
  createdAt: Date;
  /**
   * The W3C trace context of the enqueue that writes it (tracing.ts), stored with the event
   * so its attempts continue that trace; set by the enqueue, null when tracing is off.
   */
  traceparent?: string | null;
}

/**
 * The one place an event is checked and its envelope serialised, for single
 * sends, batches and the platform's own events alike. Throws
 * WebhookValidationError (invalid_event_type, reserved_event_type,
 * invalid_idempotency_key, invalid_ordering_key, invalid_payload (also a
 * declared type's data that does not match its schema, with the issues),
 * undeclared_event_type, payload_too_large); touches no database.
 */
export function prepareEvent(organizationId: string, event: string, idempotencyKey: string, data: unknown, options: PrepareOptions = {}): EventRow {
  assertEventType(event);
  if (!options.platformEvent) assertNotReservedEventType(event);
  assertIdempotencyKey(idempotencyKey);
  const orderingKey = options.orderingKey === undefined ? null : assertOrderingKey(options.orderingKey);
  // A declared type's data against its schema (event-catalogue.ts). The platform's own events are built by
  // the engine, and tests check them against their schemas.
  if (!options.platformEvent) assertEventData(event, data);
  const createdAt = (options.now ?? (() => new Date()))();
  const body = serializeEnvelope({ event, idempotencyKey, timestamp: createdAt.toISOString(), data });
  return { organizationId, event, idempotencyKey, orderingKey, body, createdAt };
}

/**
 * Stores one prepared event and its deliveries: the writer behind
 * {@link sendWebhookNotification} and the platform's own events
 * (platform-events.ts). Not part of the public surface.
 */
export async function enqueueEvent(row: EventRow, options: { tx?: DbClient } = {}): Promise<EnqueueResult> {
  return inEnqueueSpan(1, async () => {
    const traced = { ...row, traceparent: activeTraceparent() };
    // Inside the caller's transaction: written there, alone. Otherwise concurrent calls share a statement.
    if (options.tx) return writeEvent(options.tx, traced);
    const result = await sharedWriter()(traced);
    wakeWorkers([result]);
    return result;
  });
}

/** The `webhook.enqueue` span around a write of `count` events: the context each of them stores. */
function inEnqueueSpan<T>(count: number, write: () => Promise<T>): Promise<T> {
  return inSpan(SPAN_NAMES.enqueue, { kind: SpanKind.PRODUCER, attributes: { [TRACE_ATTRIBUTES.eventCount]: count } }, write);
}

/**
 * Stores prepared events (their idempotency keys distinct) and their deliveries
 * in one statement — inside the caller's transaction with `tx`. Returns, in
 * order, each event's result, or its own error (organization_not_found). Not
 * part of the public surface: batch.ts is its caller.
 */
export async function enqueueEvents(rows: readonly EventRow[], options: { tx?: DbClient } = {}): Promise<(EnqueueResult | Error)[]> {
  return inEnqueueSpan(rows.length, async () => {
    const traceparent = activeTraceparent();
    const traced = rows.map((row) => ({ ...row, traceparent }));
    if (options.tx) return writeEvents(options.tx, traced, { handOver: false });
    const results = await writeEvents(sharedPrisma, traced, { handOver: true });
    wakeWorkers(results.filter((result): result is EnqueueResult => !(result instanceof Error)));
    return results;
  });
}

/**
 * After committed writes: deliveries handed to a local worker need no wake-up;
 * any others wake this process's workers (other processes hear the NOTIFY).
 */
function wakeWorkers(results: readonly EnqueueResult[]): void {
  if (results.some((result) => !result.duplicate && result.deliveries.length > (handedOver.get(result) ?? 0))) signalDeliveriesDue();
}

/** How many of a result's deliveries went straight to a local worker's slot. */
const handedOver = new WeakMap<EnqueueResult, number>();

/** One event alone (inside a caller's transaction). */
async function writeEvent(db: DbClient, row: EventRow): Promise<EnqueueResult> {
  const [result] = await writeEvents(db, [row], { handOver: false });
  if (result instanceof Error) throw result;
  return result!;
}

/**
 * Two statements for any number of events, and no interactive transaction:
 * read the subscribed endpoints of every organization involved, then ONE
 * statement that inserts the events (ON CONFLICT DO NOTHING on the
 * idempotency key), a delivery per endpoint for each event that was new, and
 * the NOTIFY — atomic on its own, or inside the caller's transaction. A
 * concurrent insert of the same key (in this statement or another) wins or
 * waits; the loser inserts nothing and reports the winner's event (all the
 * repeats of a write read back by one query), so repeats never fail. Returns,
 * in order, each event's result or its own error.
 */
async function writeEvents(db: DbClient, rows: readonly EventRow[], options: { handOver: boolean }): Promise<(EnqueueResult | Error)[]> {
  const organizationIds = [...new Set(rows.map((row) => row.organizationId))];
  const endpoints = await runHot<SubscribedEndpoint>(db, SUBSCRIBED_ENDPOINTS, [organizationIds]);
  const planned = rows.map((row) => {
    const subscribed = endpoints.filter(
      (endpoint) => endpoint.organizationId === row.organizationId && (endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(row.event)),
    );
    return {
      row,
      eventId: newId("evt"),
      deliveries: subscribed.map((endpoint) => ({
        id: newId("msg"),
        endpointId: endpoint.id,
        endpoint,
        orderingKey: queueOf(endpoint, row),
        // Missed: stored cancelled, to be replayed if the endpoint is enabled again.
        missed: endpoint.status === "disabled",
        // Committed work only (never inside a caller's transaction), to a healthy endpoint that
        // neither orders nor rate-limits its deliveries (the claim decides those).
        local:
          options.handOver && endpoint.kind === "http" && endpoint.status === "active" && endpoint.healthy && endpoint.ordering === "none" && endpoint.rateLimitPerSecond === null
            ? reserveLocalSlot(endpoint.id, row.organizationId)
            : undefined,
      })),
    };
  });
  const release = (deliveries: (typeof planned)[number]["deliveries"]) => deliveries.forEach((delivery) => delivery.local?.slots.release(delivery.endpointId, delivery.endpoint.organizationId));
  const events = planned.map(({ row, eventId }) => ({
    event_id: eventId,
    organization_id: row.organizationId,
    event: row.event,
    idempotency_key: row.idempotencyKey,
    ordering_key: row.orderingKey,
    body: row.body,
    created_at: row.createdAt.toISOString(),
    traceparent: row.traceparent ?? null,
  }));
  const deliveries = planned.flatMap(({ eventId, deliveries }) =>
    deliveries.map((delivery) => ({
      id: delivery.id,
      event_id: eventId,
      endpoint_id: delivery.endpointId,
      ordering_key: delivery.orderingKey,
      missed: delivery.missed,
      lease_owner: delivery.local?.slots.workerId ?? null,
      lease_expires_at: delivery.local ? sqlTime(delivery.local.leaseUntil) : null,
    })),
  );
  let outcome: { organizations: string[] | null; inserted: string[] | null; parked: [string, string][] | null } | undefined;
  try {
    // Parking (ordering.ts) only for committed work: inside a caller's transaction the check after commit cannot run.
    [outcome] = await runHot<NonNullable<typeof outcome>>(db, WRITE_EVENTS, [JSON.stringify(events), JSON.stringify(deliveries), options.handOver]);
  } catch (error) {
    planned.forEach((plan) => release(plan.deliveries));
    throw error;
  }
  // Checked after the commit: a head that finished while this statement ran must not leave ours parked.
  if (outcome?.parked?.length) {
    // The events are stored whatever happens here; a head left parked is found by the workers' sweep.
    await unparkHeads(db, outcome.parked.map(([endpointId, orderingKey]) => ({ endpointId, orderingKey })), rows[0]!.createdAt).catch((error: unknown) =>
      logger.warn({ err: error }, "un-parking ordered queue heads after enqueue failed; the workers' sweep will"),
    );
  }
  const organizations = new Set(outcome?.organizations ?? []);
  const inserted = new Set(outcome?.inserted ?? []);
  const stored = await storedEvents(
    db,
    planned.filter(({ row, eventId }) => organizations.has(row.organizationId) && !inserted.has(eventId)).map(({ row }) => row),
  );
  return planned.map(({ row, eventId, deliveries }) => {
    if (!organizations.has(row.organizationId) || !inserted.has(eventId)) release(deliveries);
    if (!organizations.has(row.organizationId)) {
      return new WebhookNotFoundError("organization_not_found", `Organization ${row.organizationId} not found`);
    }
    if (inserted.has(eventId)) {
      const result = { eventId, deliveries: deliveries.filter((delivery) => !delivery.missed).map(({ id, endpointId }) => ({ id, endpointId })), duplicate: false };
      const local = deliveries.filter((delivery) => delivery.local);
      for (const delivery of local) delivery.local!.slots.start(leasedDelivery(row, delivery));
      if (local.length > 0) handedOver.set(result, local.length);
      return result;
    }
    const existing = stored.get(eventKey(row));
    // Only a deletion between the statement and this read (the organization's purge) gets here.
    if (!existing) return new Error(`The stored event with idempotency key ${JSON.stringify(row.idempotencyKey)} could not be read back`);
    return { eventId: existing.id, deliveries: existing.deliveries, duplicate: true };
  });
}

/** (organization, idempotency key) as one map key; neither can hold U+0000. */
const eventKey = (row: { organizationId: string; idempotencyKey: string }) => `${row.organizationId}\u0000${row.idempotencyKey}`;

/**
 * The stored events with the keys of `rows` (the repeats a write inserted
 * nothing for), with their deliveries: one query however many there are.
 */
async function storedEvents(db: DbClient, rows: readonly EventRow[]): Promise<Map<string, { id: string; deliveries: EnqueuedDelivery[] }>> {
  if (rows.length === 0) return new Map();
  const keys = new Map<string, string[]>();
  for (const row of rows) keys.set(row.organizationId, [...(keys.get(row.organizationId) ?? []), row.idempotencyKey]);
  const events = await db.webhookEvent.findMany({
    where: { OR: [...keys].map(([organizationId, idempotencyKeys]) => ({ organizationId, idempotencyKey: { in: idempotencyKeys } })) },
    select: {
      id: true,
      organizationId: true,
      idempotencyKey: true,
      // As for a new event: a disabled endpoint's missed delivery is not among them.
      deliveries: { where: { NOT: { status: "cancelled", cancelReason: MISSED_CANCEL_REASON } }, select: { id: true, endpointId: true }, orderBy: { id: "asc" } },
    },
  });
  return new Map(events.map((event) => [eventKey(event), { id: event.id, deliveries: event.deliveries }]));
}

/** An enqueued endpoint with what an attempt needs (the claim's endpoint columns), and whether a local worker may take its delivery at once. */
type LoadedEndpoint = LoadedDelivery["endpoint"];
interface SubscribedEndpoint extends LoadedEndpoint {
  eventTypes: string[];
  ordering: "none" | "ordered";
  /** Circuit closed (or never opened) and the secret can be opened: no reason to hold its deliveries. */
  healthy: boolean;
  /** `cli`: a listen endpoint, attempted by the web process holding its stream, never handed to a worker. */
  kind: "http" | "cli";
}

/** What the worker needs to attempt a delivery it was leased in the enqueue statement (what the claim would have returned). */
function leasedDelivery(row: EventRow, delivery: { id: string; endpoint: SubscribedEndpoint; local?: { slots: LocalSlots; leaseUntil: Date } }): LoadedDelivery {
  const { endpoint } = delivery;
  return {
    id: delivery.id,
    organizationId: row.organizationId,
    endpointId: endpoint.id,
    event: row.event,
    idempotencyKey: row.idempotencyKey,
    attempts: 0,
    leaseOwner: delivery.local!.slots.workerId,
    leaseExpiresAt: delivery.local!.leaseUntil,
    createdAt: row.createdAt,
    // Only unordered endpoints are handed over.
    orderingKey: null,
    endpoint: {
      id: endpoint.id,
      organizationId: endpoint.organizationId,
      url: endpoint.url,
      status: "active",
      secretEncrypted: endpoint.secretEncrypted,
      signatureScheme: endpoint.signatureScheme,
      previousSecretEncrypted: endpoint.previousSecretEncrypted,
      previousSignatureScheme: endpoint.previousSignatureScheme,
      previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
      failingSince: endpoint.failingSince,
      lastSuccessAt: endpoint.lastSuccessAt,
      rateLimitPerSecond: endpoint.rateLimitPerSecond,
      retryPreset: endpoint.retryPreset,
      headersEncrypted: endpoint.headersEncrypted,
      sendTraceparent: endpoint.sendTraceparent,
    },
    webhookEvent: { body: row.body, createdAt: row.createdAt, traceparent: row.traceparent ?? null },
    circuit: null,
  };
}

/** The queue a delivery joins: on an ordered endpoint the event's key ("" for none), else none. */
function queueOf(endpoint: SubscribedEndpoint, row: EventRow): string | null {
  return endpoint.ordering === "ordered" ? (row.orderingKey ?? "") : null;
}

/** What a missed delivery's history says (its `lastError`). */
const MISSED_ERROR = "Not sent: the endpoint was disabled";

/** Channel for "new deliveries are due": pg_notify inside the enqueue transaction. */
export const DELIVERY_CHANNEL = "webhook_deliveries";

const SUBSCRIBED_ENDPOINTS = hotStatement(
  "webhook_subscribed_endpoints",
  `SELECT e."id", e."organizationId", e."eventTypes", e."url", e."secretEncrypted", e."signatureScheme"::text AS "signatureScheme",
          e."previousSecretEncrypted", e."previousSignatureScheme"::text AS "previousSignatureScheme",
          e."previousSecretExpiresAt", e."failingSince", e."lastSuccessAt", e."ordering"::text AS "ordering",
          e."rateLimitPerSecond", e."retryPreset"::text AS "retryPreset", e."headersEncrypted", e."sendTraceparent", e."status"::text AS "status", e."kind"::text AS "kind",
          (e."signingBlockedAt" IS NULL AND (c."state" IS NULL OR c."state" = 'closed')) AS "healthy"
     FROM "WebhookEndpoint" e LEFT JOIN "WebhookCircuit" c ON c."key" = e."id"
    WHERE e."organizationId" = ANY($1::text[])
    ORDER BY e."id"`,
);

const WRITE_EVENTS = hotStatement(
  "webhook_write_events",
  `WITH input AS MATERIALIZED (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS r(event_id text, organization_id text, event text, idempotency_key text, ordering_key text, body text, created_at text, traceparent text)
     ), planned AS MATERIALIZED (
       SELECT r.*, n.position FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS n(item, position)
        CROSS JOIN LATERAL jsonb_to_record(n.item) AS r(id text, event_id text, endpoint_id text, ordering_key text, missed boolean, lease_owner text, lease_expires_at text)
     ), org AS (
       SELECT "id" FROM "Organization" WHERE "id" IN (SELECT organization_id FROM input) AND "deletionScheduledAt" IS NULL
     ), event AS (
       INSERT INTO "WebhookEvent" ("id", "organizationId", "eventType", "idempotencyKey", "orderingKey", "body", "createdAt", "traceparent")
       SELECT i.event_id, i.organization_id, i.event, i.idempotency_key, i.ordering_key, i.body, i.created_at::timestamp(3), i.traceparent
         FROM input i JOIN org ON org."id" = i.organization_id
        -- One order for every statement: two writes sharing keys wait for each other, never deadlock.
        ORDER BY i.organization_id, i.idempotency_key
       ON CONFLICT ("organizationId", "idempotencyKey") DO NOTHING
       RETURNING "id"
     ), delivery AS (
       INSERT INTO "WebhookDelivery" ("id", "organizationId", "eventId", "endpointId", "event", "idempotencyKey",
                                      "nextAttemptAt", "createdAt", "updatedAt", "leaseOwner", "leaseExpiresAt", "orderingKey", "orderSeq",
                                      "status", "lastError", "cancelReason")
       SELECT p.id, i.organization_id, p.event_id, p.endpoint_id, i.event, i.idempotency_key,
              -- Parked (no due time) behind an earlier pending delivery of its key, in the table or in this batch.
              -- (A disabled endpoint's deliveries all miss together: never parked, never due.)
              CASE WHEN p.missed THEN NULL
                   WHEN p.ordering_key IS NOT NULL AND $3::boolean
                        AND (ROW_NUMBER() OVER (PARTITION BY p.endpoint_id, p.ordering_key ORDER BY p.position) > 1
                             OR EXISTS (SELECT 1 FROM "WebhookDelivery" q
                                         WHERE q."endpointId" = p.endpoint_id AND q."status" = 'pending' AND q."orderingKey" = p.ordering_key))
                   THEN NULL ELSE i.created_at::timestamp(3) END,
              i.created_at::timestamp(3), i.created_at::timestamp(3),
              -- Leased at once to a worker slot in this process (see local-handoff.ts): no claim needed.
              p.lease_owner, p.lease_expires_at::timestamp(3),
              -- Enqueue order in its key's queue (ordering.ts): numbered after the sort, in input order.
              p.ordering_key, CASE WHEN p.ordering_key IS NOT NULL THEN nextval('"WebhookDelivery_orderSeq_seq"') END,
              -- Missed while its endpoint is disabled: kept, cancelled, for a replay (manual.ts recoverDeliveries).
              CASE WHEN p.missed THEN 'cancelled' ELSE 'pending' END::"DeliveryStatus",
              CASE WHEN p.missed THEN '${MISSED_ERROR}' END,
              CASE WHEN p.missed THEN '${MISSED_CANCEL_REASON}' END
         FROM planned p JOIN event ON event."id" = p.event_id JOIN input i ON i.event_id = p.event_id
        ORDER BY p.position
       RETURNING "id", "leaseOwner", "endpointId", "orderingKey", "status" = 'pending' AS "due", "nextAttemptAt" IS NULL AND "status" = 'pending' AS "parked"
     ), notify AS (
       -- Delivered to listeners only when (and if) the surrounding transaction commits; only
       -- deliveries no local worker took need waking anyone.
       SELECT pg_notify('${DELIVERY_CHANNEL}', '') FROM (SELECT 1 FROM delivery WHERE "leaseOwner" IS NULL AND "due" LIMIT 1) AS any_delivery
     )
     SELECT (SELECT array_agg("id") FROM org) AS "organizations",
            (SELECT array_agg("id") FROM event) AS "inserted",
            (SELECT jsonb_agg(DISTINCT jsonb_build_array("endpointId", "orderingKey")) FROM delivery WHERE "parked") AS "parked",
            (SELECT count(*) FROM notify)::int AS "notified"`,
);

/**
 * Group commit for producers ({@link groupCommit}): calls arriving while a
 * write is in flight are written together by the next statement, so 50
 * concurrent producers cost a few commits instead of 50. If a shared write
 * fails, each of its events is written again alone, so a caller only ever gets
 * its own error.
 */
function eventWriter(db: DbClient) {
  return groupCommit<EventRow, EnqueueResult>((rows) => writeEvents(db, rows, { handOver: true }), {
    retry: (_error, { alone }) => (alone ? undefined : 0),
  });
}

let writer: ReturnType<typeof eventWriter> | undefined;
function sharedWriter() {
  writer ??= eventWriter(sharedPrisma);
  return writer;
}

const holder = globalThis as typeof globalThis & { __webhookSignal?: EventEmitter };

/**
 * In-process wake-up for workers in the same process, so a new event is picked
 * up at once instead of on the next poll. (Other processes hear the NOTIFY.)
 */
export function deliverySignal(): EventEmitter {
  if (!holder.__webhookSignal) {
    holder.__webhookSignal = new EventEmitter();
    holder.__webhookSignal.setMaxListeners(100);
  }
  return holder.__webhookSignal;
}

export function signalDeliveriesDue(): void {
  deliverySignal().emit("due");
}
