import { prisma } from "@/lib/db";
import { getAuth, MANAGER_ROLES, type OrgRole } from "@/lib/auth/server";

export interface Viewer {
  userId: string;
  email: string;
  name: string;
  /** The session's active organization, if the user is (still) a member of it. */
  organizationId: string | null;
  organizationName: string | null;
  role: OrgRole | null;
}

/**
 * Who is signed in, from the session cookie in `headers`, with their role in the
 * session's active organization read from the membership table (never from the
 * request). Null when nobody is signed in.
 */
export async function getViewer(headers: Headers): Promise<Viewer | null> {
  const result = await getAuth().api.getSession({ headers });
  if (!result) return null;
  const organizationId = (result.session as { activeOrganizationId?: string | null }).activeOrganizationId ?? null;
  const member = organizationId
    ? await prisma.member.findFirst({
        where: { organizationId, userId: result.user.id },
        select: { role: true, organization: { select: { name: true } } },
      })
    : null;
  return {
    userId: result.user.id,
    email: result.user.email,
    name: result.user.name,
    organizationId: member ? organizationId : null,
    organizationName: member?.organization.name ?? null,
    role: (member?.role as OrgRole | undefined) ?? null,
  };
}

export function canManage(role: OrgRole | null): boolean {
  return role !== null && (MANAGER_ROLES as readonly string[]).includes(role);
}
