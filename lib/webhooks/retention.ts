import { prisma as sharedPrisma } from "@/lib/db";
import { pruneRateLimitBudgets } from "@/lib/limits/rate-limiter";
import type { DbClient } from "@/lib/webhooks/db-types";

/** Rows deleted per statement, so a large prune never holds long locks. */
export const RETENTION_BATCH_SIZE = 1_000;

export interface PruneResult {
  events: number;
  alerts: number;
  /** Endpoints whose rotated-out secret's grace period had ended and was erased. */
  previousSecrets: number;
  /** Rate-limit windows that ended over an hour ago. */
  rateLimitWindows: number;
}

/**
 * Deletes events older than `retentionDays` whose deliveries are all finished
 * (their deliveries and attempts go with them), in batches, and alerts
 * resolved before the cutoff. An event with any pending delivery is kept,
 * however old. Also erases rotated-out secrets whose grace period has ended,
 * and rate-limit windows long over.
 */
export async function pruneExpired(options: { retentionDays: number; now?: Date; prisma?: DbClient; batchSize?: number }): Promise<PruneResult> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000).toISOString();
  const batchSize = options.batchSize ?? RETENTION_BATCH_SIZE;
  let events = 0;
  for (;;) {
    const deleted = await db.$executeRawUnsafe(
      `DELETE FROM "WebhookEvent" WHERE "id" IN (
         SELECT e."id" FROM "WebhookEvent" e
          WHERE e."createdAt" < $1::timestamp(3)
            AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."eventId" = e."id" AND d."status" = 'pending')
          LIMIT $2)`,
      cutoff,
      batchSize,
    );
    events += deleted;
    if (deleted < batchSize) break;
  }
  const alerts = await db.$executeRawUnsafe(`DELETE FROM "WebhookAlert" WHERE "resolvedAt" < $1::timestamp(3)`, cutoff);
  // A rotated-out secret signs nothing once its grace ends; keeping it only keeps something to leak.
  const previousSecrets = await db.$executeRawUnsafe(
    `UPDATE "WebhookEndpoint" SET "previousSecretEncrypted" = NULL, "previousSecretExpiresAt" = NULL
      WHERE "previousSecretExpiresAt" <= $1::timestamp(3)`,
    now.toISOString(),
  );
  const rateLimitWindows = await pruneRateLimitBudgets(db, now);
  return { events, alerts, previousSecrets, rateLimitWindows };
}
