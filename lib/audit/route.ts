import { prisma } from "@/lib/db";
import type { Actor } from "@/lib/http/route";
import { recordAudit, requestOrigin, type AuditAction, type AuditDetails } from "@/lib/audit/record";
import type { DbClient } from "@/lib/database/db-types";

/** One audit record a route handler's action produces. */
export interface AuditNote {
  action: AuditAction;
  target?: { type: string; id: string };
  details?: AuditDetails;
}

/** What `apiRoute` hands a handler, enough to say who acted and from where. */
export interface AuditSource {
  request: Request;
  actor: Actor;
}

/**
 * Runs `action` in one transaction and records what `describe` says about its
 * result in the same transaction: the action and its audit entry commit
 * together, or neither does (a secret is not revealed without a record).
 */
export async function withAudit<T>(source: AuditSource, action: (tx: DbClient) => Promise<T>, describe: (result: T) => AuditNote | AuditNote[] | null): Promise<T> {
  return prisma.$transaction(async (tx) => {
    const result = await action(tx);
    const notes = describe(result);
    for (const note of notes === null ? [] : Array.isArray(notes) ? notes : [notes]) await recordFromRoute(tx, source, note);
    return result;
  });
}

/** Records one entry for a route handler's action with `db` (outside a transaction, for actions that send over the network). */
export async function recordFromRoute(db: DbClient, source: AuditSource, note: AuditNote): Promise<void> {
  await recordAudit(db, {
    organizationId: source.actor.organizationId,
    actor: { userId: source.actor.userId, apiKeyId: source.actor.apiKeyId ?? null },
    ...requestOrigin(source.request.headers),
    ...note,
  });
}
