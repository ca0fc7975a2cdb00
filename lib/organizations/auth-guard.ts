import { APIError, getSessionFromCtx } from "better-auth/api";
import type { AuthHookContext } from "@/lib/audit/auth-hooks";
import { prisma } from "@/lib/db";

type Row = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** Plugin endpoints that name no existing organization (or only list them). */
const UNSCOPED = new Set(["/organization/create", "/organization/list", "/organization/check-slug", "/organization/list-user-invitations"]);

/**
 * Before an organization plugin endpoint: an organization scheduled for
 * deletion is not found there either (invite, change roles, set active…), as
 * in `apiRoute` and the pages. The organization is the one the request names
 * (id or slug, body or query), else the session's active one.
 */
export async function refuseDeletedOrganization(ctx: AuthHookContext): Promise<void> {
  if (!ctx.path.startsWith("/organization/") || UNSCOPED.has(ctx.path)) return;
  const body = (ctx.body as Row | undefined) ?? {};
  const query = (ctx.query as Row | undefined) ?? {};
  let id = text(body.organizationId) ?? text(query.organizationId);
  const slug = text(body.organizationSlug) ?? text(query.organizationSlug);
  if (!id && !slug) id = (await getSessionFromCtx(ctx).catch(() => null))?.session.activeOrganizationId ?? undefined;
  if (!id && !slug) return;
  const where = id ? { id } : { slug: slug! };
  const deleted = await prisma.organization.findFirst({ where: { ...where, deletionScheduledAt: { not: null } }, select: { id: true } });
  if (deleted) throw new APIError("NOT_FOUND", { message: "Organization not found" });
}

/** After `/organization/list` (the switcher): leaves out organizations scheduled for deletion. */
export async function hideDeletedOrganizations(ctx: AuthHookContext) {
  if (ctx.path !== "/organization/list" || !Array.isArray(ctx.context.returned)) return;
  const listed = ctx.context.returned as { id: string }[];
  const deleted = await prisma.organization.findMany({ where: { id: { in: listed.map((row) => row.id) }, deletionScheduledAt: { not: null } }, select: { id: true } });
  if (deleted.length === 0) return;
  const hidden = new Set(deleted.map((row) => row.id));
  return ctx.json(listed.filter((row) => !hidden.has(row.id)));
}
