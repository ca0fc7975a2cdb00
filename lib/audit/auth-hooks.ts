import { createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { prisma } from "@/lib/db";
import { recordAudit, requestOrigin, type AuditAction, type AuditDetails } from "@/lib/audit/record";
import { logger } from "@/lib/logger";

/** The organization plugin's endpoints that change who may do what, and what the log calls them. */
const AUDITED_PATHS: Record<string, AuditAction> = {
  "/organization/invite-member": "member.invited",
  "/organization/update-member-role": "member.role_changed",
  "/organization/remove-member": "member.removed",
  "/organization/cancel-invitation": "invitation.cancelled",
  "/organization/update": "organization.updated",
};

type Row = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** A role change's previous role, read before the change, keyed by the request's headers object. */
const previousRoles = new WeakMap<Headers, string>();

/** What one successful call to an audited path records; null when there is nothing to say. */
function describe(path: string, returned: Row, body: Row): { organizationId: string; target: { type: string; id: string }; details: AuditDetails } | null {
  switch (path) {
    case "/organization/invite-member":
    case "/organization/cancel-invitation": {
      const organizationId = text(returned.organizationId);
      const id = text(returned.id);
      if (!organizationId || !id) return null;
      return { organizationId, target: { type: "invitation", id }, details: { email: text(returned.email), role: text(returned.role) } };
    }
    case "/organization/update-member-role":
    case "/organization/remove-member": {
      const member = (path === "/organization/remove-member" ? returned.member : returned) as Row | undefined;
      const organizationId = text(member?.organizationId);
      const id = text(member?.id);
      if (!member || !organizationId || !id) return null;
      return { organizationId, target: { type: "member", id }, details: { userId: text(member.userId), role: text(member.role) } };
    }
    case "/organization/update": {
      const id = text(returned.id);
      if (!id) return null;
      // Which settings changed, not their values (metadata may hold anything).
      const changed = Object.keys((body.data as Row | undefined) ?? {}).sort();
      return { organizationId: id, target: { type: "organization", id }, details: { changed, name: text(returned.name), slug: text(returned.slug) } };
    }
    default:
      return null;
  }
}

/** The context better-auth hands a `hooks.before` / `hooks.after` middleware. */
export type AuthHookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

/** Before a role change: remembers the member's current role for the audit entry. */
export async function rememberPreviousRole(ctx: AuthHookContext): Promise<void> {
  if (ctx.path !== "/organization/update-member-role" || !ctx.headers) return;
  const memberId = text((ctx.body as Row | undefined)?.memberId);
  if (!memberId) return;
  const member = await prisma.member.findUnique({ where: { id: memberId }, select: { role: true } });
  if (member) previousRoles.set(ctx.headers, member.role);
}

/**
 * After a call to the organization plugin: records member invitations, role
 * changes, removals and organization settings, which go through the plugin's
 * own endpoints rather than `apiRoute`. Only successful calls are recorded. A
 * failure to record is logged, not surfaced: the plugin has already committed
 * the change.
 */
export async function recordOrganizationChange(ctx: AuthHookContext): Promise<void> {
  const action = AUDITED_PATHS[ctx.path];
  const returned = ctx.context.returned;
  if (!action || !returned || typeof returned !== "object" || isAPIError(returned) || returned instanceof Response) return;
  try {
    const entry = describe(ctx.path, returned as Row, (ctx.body as Row | undefined) ?? {});
    if (!entry) return;
    const session = ctx.context.session ?? (await getSessionFromCtx(ctx));
    const previousRole = ctx.headers ? previousRoles.get(ctx.headers) : undefined;
    await recordAudit(prisma, {
      organizationId: entry.organizationId,
      actor: { userId: session?.user.id ?? null, email: session?.user.email ?? null },
      action,
      target: entry.target,
      details: action === "member.role_changed" && previousRole ? { ...entry.details, previousRole } : entry.details,
      ...(ctx.headers ? requestOrigin(ctx.headers) : {}),
    });
  } catch (error) {
    logger.error({ err: error, path: ctx.path }, "could not record an audit entry");
  }
}
