import { prisma as sharedPrisma } from "@/lib/db";
import { forgetKeys } from "@/lib/api-key-cache";
import { recordAudit, type AuditActor, type AuditOrigin } from "@/lib/audit/record";
import { sqlTime, type DbClient } from "@/lib/database/db-types";
import { WebhookNotFoundError, WebhookValidationError } from "@/lib/webhooks/errors";

/** Rows deleted per statement while erasing an organization, so no statement holds long locks. */
export const ERASE_BATCH_SIZE = 1_000;

export interface DeletionRequest extends AuditOrigin {
  organizationId: string;
  /** The organization's slug, typed by the owner to confirm. */
  confirmSlug: string;
  actor: AuditActor;
  graceDays: number;
  prisma?: DbClient;
  now?: () => Date;
}

/**
 * Schedules the organization's deletion, in one transaction: from now on it is
 * "not found" to its members, its API keys and producers; its pending
 * deliveries are cancelled and its pending invitations withdrawn; the request
 * is audited. Its data is erased by {@link eraseDeletedOrganizations} after
 * `graceDays`. Throws WebhookValidationError (`invalid_input`) when
 * `confirmSlug` is not the organization's slug, WebhookNotFoundError when the
 * organization does not exist or is already scheduled. Returns when erasure is due.
 */
export async function requestOrganizationDeletion(request: DeletionRequest): Promise<{ eraseAfter: Date }> {
  const now = request.now?.() ?? new Date();
  const run = async (db: DbClient) => {
    const [organization] = await db.$queryRawUnsafe<{ slug: string }[]>(
      `SELECT "slug" FROM "Organization" WHERE "id" = $1 AND "deletionScheduledAt" IS NULL FOR UPDATE`,
      request.organizationId,
    );
    if (!organization) throw new WebhookNotFoundError("organization_not_found", "Organization not found");
    if (request.confirmSlug !== organization.slug) {
      throw new WebhookValidationError("invalid_input", "Type the organization's slug exactly to confirm its deletion");
    }
    const eraseAfter = new Date(now.getTime() + request.graceDays * 86_400_000);
    await db.organization.update({ where: { id: request.organizationId }, data: { deletionScheduledAt: now } });
    const cancelled = await db.$executeRawUnsafe(
      `UPDATE "WebhookDelivery"
          SET "status" = 'cancelled', "nextAttemptAt" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
              "lastError" = 'Organization deleted', "updatedAt" = $2::timestamp(3)
        WHERE "organizationId" = $1 AND "status" = 'pending'`,
      request.organizationId,
      sqlTime(now),
    );
    await db.invitation.updateMany({ where: { organizationId: request.organizationId, status: "pending" }, data: { status: "canceled" } });
    await recordAudit(db, {
      organizationId: request.organizationId,
      actor: request.actor,
      action: "organization.deletion_requested",
      target: { type: "organization", id: request.organizationId },
      details: { eraseAfter: eraseAfter.toISOString(), cancelledDeliveries: cancelled },
      ipAddress: request.ipAddress,
      userAgent: request.userAgent,
      now: () => now,
    });
    return { eraseAfter };
  };
  const db = request.prisma ?? sharedPrisma;
  const scheduled = await ("$transaction" in db ? db.$transaction(run) : run(db));
  // Its API keys stop at once in this process (other processes: within the key cache's TTL).
  forgetKeys({ organizationId: request.organizationId });
  return scheduled;
}

/**
 * Erases every organization whose deletion was scheduled more than `graceDays`
 * ago: attempts, deliveries, events, endpoints (and their circuits), API keys,
 * alerts, inspector inboxes, audit entries, invitations, members, then the
 * organization — each in batches of `batchSize`. Returns the ids erased.
 */
export async function eraseDeletedOrganizations(options: { graceDays: number; now?: () => Date; prisma?: DbClient; batchSize?: number }): Promise<string[]> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - options.graceDays * 86_400_000);
  const due = await db.organization.findMany({ where: { deletionScheduledAt: { lte: cutoff } }, select: { id: true } });
  const batchSize = options.batchSize ?? ERASE_BATCH_SIZE;
  for (const { id } of due) {
    await db.$executeRawUnsafe(`DELETE FROM "WebhookCircuit" WHERE "key" IN (SELECT "id" FROM "WebhookEndpoint" WHERE "organizationId" = $1)`, id);
    for (const table of ERASE_ORDER) {
      for (;;) {
        const deleted = await db.$executeRawUnsafe(
          `DELETE FROM "${table}" WHERE "id" IN (SELECT "id" FROM "${table}" WHERE "organizationId" = $1 LIMIT $2)`,
          id,
          batchSize,
        );
        if (deleted < batchSize) break;
      }
    }
    await db.organization.delete({ where: { id } });
  }
  return due.map((row) => row.id);
}

/** Children before parents, so each batch deletes only its own table's rows. */
const ERASE_ORDER = [
  "WebhookAttempt",
  "WebhookDelivery",
  "WebhookEvent",
  "WebhookEndpoint",
  "ApiKey",
  "WebhookAlert",
  "DevInbox",
  "AuditLogEntry",
  "Invitation",
  "Member",
] as const;
