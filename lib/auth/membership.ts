import type { OrgRole } from "@/lib/auth/server";
import { canManage } from "@/lib/auth/session";
import { prisma } from "@/lib/db";

/**
 * A user's place in one organization, as pages and the browser see it: the
 * organization a page shows (from its URL) with the viewer's role in it.
 * Serialisable, so a layout can hand it to client components.
 */
export interface OrgMembership {
  id: string;
  name: string;
  slug: string;
  role: OrgRole;
  canManage: boolean;
}

const select = { role: true, organization: { select: { id: true, name: true, slug: true } } } as const;

function toMembership(row: { role: string; organization: { id: string; name: string; slug: string } }): OrgMembership {
  const role = row.role as OrgRole;
  return { ...row.organization, role, canManage: canManage(role) };
}

/**
 * The user's membership of the organization with this id or slug, read from
 * the member table; null when the user is not a member — or when there is no
 * such organization (or its deletion is scheduled), which callers must answer the same way (404) so ids and
 * slugs cannot be probed.
 */
export async function findMembership(userId: string, organization: { id: string } | { slug: string }): Promise<OrgMembership | null> {
  const where = "id" in organization ? { id: organization.id } : { slug: organization.slug };
  // An organization scheduled for deletion is gone for its members at once.
  const row = await prisma.member.findFirst({ where: { userId, organization: { ...where, deletionScheduledAt: null } }, select });
  return row ? toMembership(row) : null;
}

/**
 * Where the user works by default (signing in, `/`, old /settings/… links):
 * the organization they opened last, while they are still a member of it;
 * otherwise the first one they joined; null when they belong to none.
 */
export async function homeOrganization(userId: string): Promise<OrgMembership | null> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { lastOrganizationId: true } });
  if (user?.lastOrganizationId) {
    const last = await findMembership(userId, { id: user.lastOrganizationId });
    if (last) return last;
  }
  const first = await prisma.member.findFirst({ where: { userId, organization: { deletionScheduledAt: null } }, select, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return first ? toMembership(first) : null;
}

/**
 * Records `organizationId` as the one the user opened last. Kept per user in
 * the database, not in a cookie or the session, so a sign-in on another device
 * lands there too. Writes only when it changes.
 */
export async function rememberOrganization(userId: string, organizationId: string): Promise<void> {
  await prisma.user.updateMany({
    where: { id: userId, OR: [{ lastOrganizationId: null }, { lastOrganizationId: { not: organizationId } }] },
    data: { lastOrganizationId: organizationId },
  });
}
