import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

export interface AuditLogView {
  id: string;
  actorType: string;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
}

export interface AuditLogQuery {
  organizationId: string;
  /** A user id (`user_…`), an API key id (`key_…`) or `system`. */
  actor?: string;
  action?: string;
  /** The last id of the previous page. */
  cursor?: string;
  limit?: number;
  prisma?: DbClient;
}

/**
 * One page of the organization's audit log, newest first (ids are time-sortable).
 * `nextCursor` is null on the last page.
 */
export async function listAuditLog(query: AuditLogQuery): Promise<{ items: AuditLogView[]; nextCursor: string | null }> {
  const db = query.prisma ?? sharedPrisma;
  const limit = Math.min(query.limit ?? AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX);
  const actor =
    query.actor === undefined
      ? {}
      : query.actor === "system"
        ? { actorType: "system" }
        : query.actor.startsWith("key_")
          ? { actorApiKeyId: query.actor }
          : { actorUserId: query.actor };
  const rows = await db.auditLogEntry.findMany({
    where: { organizationId: query.organizationId, ...actor, ...(query.action ? { action: query.action } : {}), ...(query.cursor ? { id: { lt: query.cursor } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
    omit: { organizationId: true },
  });
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/** The actors that appear in the organization's log (for the page's filter). */
export async function auditActors(options: { organizationId: string; prisma?: DbClient }): Promise<{ value: string; label: string }[]> {
  const rows = await (options.prisma ?? sharedPrisma).auditLogEntry.groupBy({
    by: ["actorType", "actorUserId", "actorApiKeyId", "actorEmail"],
    where: { organizationId: options.organizationId },
  });
  const actors = new Map<string, string>();
  for (const row of rows) {
    const value = row.actorUserId ?? row.actorApiKeyId ?? "system";
    if (!actors.has(value)) actors.set(value, row.actorEmail ?? (row.actorApiKeyId ? `API key ${row.actorApiKeyId}` : "System"));
  }
  return [...actors].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
}
