import { prisma as sharedPrisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { checkWebhookHealth, HEALTH_CHECK_INTERVAL_SECONDS } from "@/lib/webhooks/alerting";
import { eraseDeletedOrganizations } from "@/lib/organizations/deletion";
import { recheckBlockedSigning } from "@/lib/webhooks/stored-secrets";
import { checkCertificates } from "@/lib/webhooks/certificate-check";
import { sweepListenEndpoints } from "@/lib/webhooks/listen";
import { pruneRateLimitBudgets } from "@/lib/limits/rate-limiter";
import type { DbClient } from "@/lib/database/db-types";

/** How often workers prune expired rows (one run across all workers per interval). */
export const RETENTION_INTERVAL_SECONDS = 60 * 60;
const RETENTION_LOCK = 5_770_002;

/**
 * Runs the retention prune, and erases organizations whose deletion grace has passed, if no
 * other process is and the last run is older than the interval.
 */
export async function runRetentionIfDue(
  options: { now?: () => Date; force?: boolean } = {},
): Promise<{ ran: boolean; events?: number; alerts?: number; erasedOrganizations?: number; previousSecrets?: number }> {
  const now = options.now?.() ?? new Date();
  return sharedPrisma.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1) AS "locked"`, RETENTION_LOCK);
      if (!lock?.locked) return { ran: false };
      const last = await tx.scheduledJob.findUnique({ where: { name: "retention" } });
      if (!options.force && last && now.getTime() - last.lastRunAt.getTime() < RETENTION_INTERVAL_SECONDS * 1000 - 5_000) return { ran: false };
      const pruned = await pruneExpired({ retentionDays: getEnv().retentionDays, now: () => now, prisma: tx });
      const erased = await eraseDeletedOrganizations({ graceDays: getEnv().organizationDeletionGraceDays, now: () => now, prisma: tx });
      const result = { ...pruned, erasedOrganizations: erased.length };
      await tx.scheduledJob.upsert({ where: { name: "retention" }, create: { name: "retention", lastRunAt: now, lastResult: { ...result } }, update: { lastRunAt: now, lastResult: { ...result } } });
      return { ran: true, ...result };
    },
    { timeout: 10 * 60_000, maxWait: 10_000 },
  );
}

/**
 * The periodic jobs every worker schedules: the health check (every 15 min)
 * and retention (hourly). Each worker ticks every minute; the database lock
 * and the last-run time make each job run once per interval across all
 * workers, whichever process gets there first. Every tick also re-checks
 * endpoints marked for an unopenable secret with this process's key ring, so
 * restoring a key resumes their deliveries within a minute, and reads the TLS
 * certificates of endpoints last checked over a day ago (certificate-check.ts), and
 * disables listen endpoints whose web process went away and deletes those unused for
 * a day (listen.ts). Returns a stop function.
 */
export function startMaintenance(options: { tickMs?: number } = {}): () => void {
  const tick = async () => {
    try {
      await recheckBlockedSigning();
      const health = await checkWebhookHealth();
      if (health.ran) logger.info({ opened: health.opened.length, resolved: health.resolved.length, open: health.stillOpen + health.opened.length }, "health check ran");
      const retention = await runRetentionIfDue();
      if (retention.ran) logger.info({ events: retention.events, alerts: retention.alerts, previousSecrets: retention.previousSecrets, erasedOrganizations: retention.erasedOrganizations }, "retention ran");
      await checkCertificates();
      const listen = await sweepListenEndpoints();
      if (listen.disconnected + listen.deleted > 0) logger.info(listen, "listen endpoints swept");
    } catch (error) {
      logger.warn({ err: error }, "maintenance tick failed");
    }
  };
  const timer = setInterval(() => void tick(), options.tickMs ?? 60_000);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}

export { HEALTH_CHECK_INTERVAL_SECONDS };

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
export async function pruneExpired(options: { retentionDays: number; now?: () => Date; prisma?: DbClient; batchSize?: number }): Promise<PruneResult> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
  const batchSize = options.batchSize ?? RETENTION_BATCH_SIZE;
  let events = 0;
  for (;;) {
    const deleted = await pruneEventBatch({ db, cutoff, batchSize });
    events += deleted;
    if (deleted < batchSize) break;
  }
  const alerts = await db.$executeRawUnsafe(`DELETE FROM "WebhookAlert" WHERE "resolvedAt" < $1::timestamp(3)`, cutoff.toISOString());
  // A rotated-out secret signs nothing once its grace ends; keeping it only keeps something to leak.
  const previousSecrets = await db.$executeRawUnsafe(
    `UPDATE "WebhookEndpoint" SET "previousSecretEncrypted" = NULL, "previousSecretExpiresAt" = NULL
      WHERE "previousSecretExpiresAt" <= $1::timestamp(3)`,
    now.toISOString(),
  );
  const rateLimitWindows = await pruneRateLimitBudgets(db, now);
  return { events, alerts, previousSecrets, rateLimitWindows };
}

/**
 * One batch of the prune: deletes up to `batchSize` events created before `cutoff` that have no
 * pending delivery (their deliveries and attempts go with them by cascade). Returns how many
 * events were deleted; fewer than `batchSize` means nothing is left to prune.
 */
export async function pruneEventBatch(options: { db: DbClient; cutoff: Date; batchSize: number }): Promise<number> {
  return options.db.$executeRawUnsafe(
    `DELETE FROM "WebhookEvent" WHERE "id" IN (
       SELECT e."id" FROM "WebhookEvent" e
        WHERE e."createdAt" < $1::timestamp(3)
          AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."eventId" = e."id" AND d."status" = 'pending')
        LIMIT $2)`,
    options.cutoff.toISOString(),
    options.batchSize,
  );
}
