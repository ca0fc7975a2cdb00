import { CLIENT_IP_HEADER } from "@/lib/http/client-address";
import { newId } from "@/lib/ids";
import type { DbClient } from "@/lib/database/db-types";

/** What the audit log records. New actions are added here, so the page's filter knows them all. */
export const AUDIT_ACTIONS = [
  "endpoint.created",
  "endpoint.updated",
  "endpoint.disabled",
  "endpoint.enabled",
  "endpoint.deleted",
  "endpoint.secret_revealed",
  "endpoint.secret_rotated",
  "endpoint.deliveries_recovered",
  "endpoint.missed_replayed",
  "delivery.redelivered",
  "api_key.created",
  "api_key.revoked",
  "api_key.scopes_changed",
  "member.invited",
  "member.role_changed",
  "member.removed",
  "invitation.cancelled",
  "organization.updated",
  "organization.deletion_requested",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: a signed-in user, an API key, or the system (neither). */
export interface AuditActor {
  userId?: string | null;
  apiKeyId?: string | null;
  /** Snapshot of the user's email; looked up when not given. */
  email?: string | null;
}

/** Where a request came from. */
export interface AuditOrigin {
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** Details must stay small and never hold secrets, tokens or full URLs (a URL's host only). */
export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

export interface AuditEntry extends AuditOrigin {
  organizationId: string;
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string };
  details?: AuditDetails;
  now?: () => Date;
}

const IP_MAX = 64;
const USER_AGENT_MAX = 512;

/**
 * Appends one entry to the organization's audit log with `db` — pass the
 * transaction the action runs in, so the action and its record commit together.
 * Throws what the database throws (the caller's transaction then rolls back).
 */
export async function recordAudit(db: DbClient, entry: AuditEntry): Promise<void> {
  const userId = entry.actor.userId ?? null;
  const apiKeyId = entry.actor.apiKeyId ?? null;
  let email = entry.actor.email ?? null;
  if (userId && email === null) {
    email = (await db.user.findUnique({ where: { id: userId }, select: { email: true } }))?.email ?? null;
  }
  await db.auditLogEntry.create({
    data: {
      id: newId("aud"),
      organizationId: entry.organizationId,
      actorType: userId ? "user" : apiKeyId ? "api_key" : "system",
      actorUserId: userId,
      actorApiKeyId: apiKeyId,
      actorEmail: email,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      details: entry.details ?? {},
      ipAddress: entry.ipAddress?.slice(0, IP_MAX) ?? null,
      userAgent: entry.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      ...(entry.now ? { createdAt: entry.now() } : {}),
    },
  });
}

/**
 * The client address of a request, as `npm start`'s server established it from the socket and
 * TRUSTED_PROXIES (lib/http/client-address.ts): a client-sent `X-Forwarded-For` never reaches
 * the audit log unless a trusted proxy vouched for it. Null when unknown.
 */
export function requestOrigin(headers: Headers): AuditOrigin {
  return { ipAddress: headers.get(CLIENT_IP_HEADER)?.trim() || null, userAgent: headers.get("user-agent") };
}

/** The host of a URL for the log (URLs often carry tokens in their path or query). */
export function urlHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

