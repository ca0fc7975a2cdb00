import { sqlTime, type DbClient } from "@/lib/database/db-types";
import { hotStatement, runHot } from "@/lib/database/hot-sql";
import { logger } from "@/lib/logger";
import { WebhookValidationError } from "@/lib/webhooks/errors";

/**
 * Ordered delivery by key. On an endpoint with `ordering: "ordered"`, every
 * delivery joins a queue: the event's `orderingKey`, or one queue of its own for
 * events sent without a key (stored as ""). Within a queue, deliveries are
 * attempted strictly in enqueue order (`orderSeq`, a database sequence taken when
 * the delivery is written), one at a time: the next is not attempted until the
 * one before it is delivered, given up or cancelled. A failing head blocks only
 * its own key; other keys go on in parallel, up to the endpoint's concurrency.
 *
 * The rule lives in the claim (claim.ts), which every worker process runs against
 * the shared database, so it holds across workers with nothing kept in memory.
 *
 * **Parking**, so a deep queue costs the claim nothing: a delivery written behind
 * an earlier pending one of its key waits with no due time (`nextAttemptAt` null),
 * out of the claim's index range, and is given one (un-parked) when it becomes the
 * head. Parking is only a saving — the claim's rule alone keeps the order, so an
 * un-parked delivery that is not the head just waits its turn. A parked head would
 * wait forever, so both writers check after they commit: the enqueue un-parks the
 * heads of the queues it parked in, and the record of a finished delivery un-parks
 * its queue's next head ({@link unparkHeads}). Whichever of two racing writers
 * commits last sees the other's work. Workers also sweep for parked heads now and
 * then ({@link repairParkedHeads}), and log it if one was ever found. Inside a
 * caller's transaction nothing is parked (the check after commit cannot run there).
 * Ordered deliveries are never handed straight to a local worker (enqueue.ts):
 * only the claim can see the queue. A redelivery by hand is the one exception: it
 * is sent at once, outside the order, and the page that offers it says so.
 */

export const ORDERING_MODES = ["none", "ordered"] as const;
export type OrderingMode = (typeof ORDERING_MODES)[number];
export const ORDERING_KEY_MAX_LENGTH = 255;

/** Checks a producer's ordering key: 1–255 characters, well-formed, no control characters. Returns it. */
export function assertOrderingKey(key: unknown): string {
  if (typeof key !== "string" || key.length === 0 || key.length > ORDERING_KEY_MAX_LENGTH) {
    throw new WebhookValidationError("invalid_ordering_key", `orderingKey must be a string of 1 to ${ORDERING_KEY_MAX_LENGTH} characters`);
  }
  if (/[\u0000-\u001f\u007f]/.test(key) || /\p{Surrogate}/u.test(key)) {
    throw new WebhookValidationError("invalid_ordering_key", "orderingKey must be well-formed Unicode without control characters");
  }
  return key;
}

/**
 * Where a pending delivery stands in its key's queue: how many deliveries of the
 * key are still pending before it, and the one at the head (the delivery it waits
 * for). `null` for a delivery that is not in a queue or no longer pending.
 */
export async function queuePosition(
  db: DbClient,
  delivery: { id: string; endpointId: string; status: string; orderingKey: string | null; orderSeq: bigint | null },
): Promise<{ ahead: number; waitingFor: string | null } | null> {
  if (delivery.orderingKey === null || delivery.orderSeq === null || delivery.status !== "pending") return null;
  const [row] = await db.$queryRawUnsafe<{ ahead: number; head: string | null }[]>(
    `SELECT count(*)::int AS "ahead",
            (SELECT p."id" FROM "WebhookDelivery" p
              WHERE p."endpointId" = $1 AND p."status" = 'pending' AND p."orderingKey" = $2 AND p."orderSeq" < $3::bigint
              ORDER BY p."orderSeq" LIMIT 1) AS "head"
       FROM "WebhookDelivery" p
      WHERE p."endpointId" = $1 AND p."status" = 'pending' AND p."orderingKey" = $2 AND p."orderSeq" < $3::bigint`,
    delivery.endpointId,
    delivery.orderingKey,
    delivery.orderSeq.toString(),
  );
  return { ahead: row?.ahead ?? 0, waitingFor: row?.head ?? null };
}

/** A queue: an ordered endpoint and one ordering key ("" for events sent without one). */
export interface OrderedQueue {
  endpointId: string;
  orderingKey: string;
}

/** Gives each queue's head a due time ($2) if it is parked; returns the un-parked ids. */
const UNPARK_HEADS = hotStatement(
  "webhook_unpark_heads",
  `WITH queues AS (
     SELECT DISTINCT q->>0 AS endpoint_id, q->>1 AS ordering_key FROM jsonb_array_elements($1::jsonb) q
   ), heads AS (
     SELECT h."id" FROM queues q
      CROSS JOIN LATERAL (
        SELECT d."id", d."nextAttemptAt" FROM "WebhookDelivery" d
         WHERE d."endpointId" = q.endpoint_id AND d."status" = 'pending' AND d."orderingKey" = q.ordering_key
         ORDER BY d."orderSeq" LIMIT 1) h
     WHERE h."nextAttemptAt" IS NULL
   )
   UPDATE "WebhookDelivery" d SET "nextAttemptAt" = $2::timestamp(3)
     FROM heads WHERE d."id" = heads."id" AND d."status" = 'pending' AND d."nextAttemptAt" IS NULL
   RETURNING d."id"`,
);

/** Un-parks the head of each queue, where it is parked (see the module comment). Returns how many were. */
export async function unparkHeads(db: DbClient, queues: readonly OrderedQueue[], now: Date): Promise<number> {
  if (queues.length === 0) return 0;
  const rows = await runHot<{ id: string }>(db, UNPARK_HEADS, [JSON.stringify(queues.map((queue) => [queue.endpointId, queue.orderingKey])), sqlTime(now)]);
  return rows.length;
}

/** Most queues one sweep looks at. */
const REPAIR_QUEUES_MAX = 1_000;

/**
 * The safety net: finds queues whose head is parked (which the checks after commit
 * should never leave) and un-parks them. Returns how many heads it un-parked, and
 * logs a warning when it found any.
 */
export async function repairParkedHeads(db: DbClient, now: Date): Promise<number> {
  const queues = await db.$queryRawUnsafe<OrderedQueue[]>(
    `SELECT DISTINCT "endpointId", "orderingKey" FROM "WebhookDelivery"
      WHERE "status" = 'pending' AND "orderingKey" IS NOT NULL AND "nextAttemptAt" IS NULL
      LIMIT ${REPAIR_QUEUES_MAX}`,
  );
  const repaired = await unparkHeads(db, queues, now);
  if (repaired > 0) logger.warn({ repaired }, "ordered delivery: parked queue heads found and released");
  return repaired;
}

/**
 * Puts an endpoint's pending deliveries into (or out of) key queues when its
 * ordering changes, in the caller's transaction. Turning ordering on queues the
 * backlog by each event's key in the order the deliveries were enqueued (created,
 * then id) and parks what waits behind a head (never a leased delivery, nor one
 * waiting for a retry: those keep their due time and wait their turn in the claim);
 * turning it off releases them all to go in parallel, due at once.
 */
export async function requeueForOrdering(db: DbClient, endpointId: string, ordering: OrderingMode, now: Date = new Date()): Promise<void> {
  if (ordering === "none") {
    await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery" SET "orderingKey" = NULL, "orderSeq" = NULL, "nextAttemptAt" = COALESCE("nextAttemptAt", $2::timestamp(3))
        WHERE "endpointId" = $1 AND "status" = 'pending' AND "orderingKey" IS NOT NULL`,
      endpointId,
      sqlTime(now),
    );
    return;
  }
  await db.$executeRawUnsafe(
    `UPDATE "WebhookDelivery" d
        SET "orderingKey" = q."key", "orderSeq" = q."seq"
       FROM (SELECT s."id", s."key", nextval('"WebhookDelivery_orderSeq_seq"') AS "seq"
               FROM (SELECT d2."id", COALESCE(v."orderingKey", '') AS "key"
                       FROM "WebhookDelivery" d2 JOIN "WebhookEvent" v ON v."id" = d2."eventId"
                      WHERE d2."endpointId" = $1 AND d2."status" = 'pending' AND d2."orderingKey" IS NULL
                      ORDER BY d2."createdAt", d2."id") s) q
      WHERE d."id" = q."id"`,
    endpointId,
  );
  await db.$executeRawUnsafe(
    `UPDATE "WebhookDelivery" d SET "nextAttemptAt" = NULL
       FROM (SELECT "id", ROW_NUMBER() OVER (PARTITION BY "orderingKey" ORDER BY "orderSeq") AS "place"
               FROM "WebhookDelivery" WHERE "endpointId" = $1 AND "status" = 'pending' AND "orderingKey" IS NOT NULL) q
      WHERE d."id" = q."id" AND q."place" > 1 AND d."attempts" = 0
        AND (d."leaseExpiresAt" IS NULL OR d."leaseExpiresAt" <= $2::timestamp(3))`,
    endpointId,
    sqlTime(now),
  );
}
