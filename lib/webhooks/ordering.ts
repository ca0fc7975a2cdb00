import type { DbClient } from "@/lib/database/db-types";
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

/**
 * Puts an endpoint's pending deliveries into (or out of) key queues when its
 * ordering changes, in the caller's transaction. Turning ordering on queues the
 * backlog by each event's key in the order the deliveries were enqueued (created,
 * then id); turning it off releases them to go in parallel.
 */
export async function requeueForOrdering(db: DbClient, endpointId: string, ordering: OrderingMode): Promise<void> {
  if (ordering === "none") {
    await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery" SET "orderingKey" = NULL, "orderSeq" = NULL WHERE "endpointId" = $1 AND "status" = 'pending' AND "orderingKey" IS NOT NULL`,
      endpointId,
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
}
