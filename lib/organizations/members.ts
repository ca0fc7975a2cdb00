import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";

/** One member of an organization as the members page lists them. */
export type OrganizationMember = Awaited<ReturnType<typeof listMembers>>[number];

/**
 * Every member of the organization with their name and email, oldest
 * membership first. `organizationId` must come from the viewer's membership,
 * never from the request.
 */
export async function listMembers(organizationId: string, prisma: DbClient = sharedPrisma) {
  return prisma.member.findMany({
    where: { organizationId },
    select: { id: true, role: true, createdAt: true, userId: true, user: { select: { name: true, email: true } } },
    orderBy: { createdAt: "asc" },
  });
}

/** Whether the user belongs to the organization (whatever their role). */
export async function isMember(organizationId: string, userId: string, prisma: DbClient = sharedPrisma): Promise<boolean> {
  const row = await prisma.member.findFirst({ where: { organizationId, userId }, select: { id: true } });
  return row !== null;
}

/** The organizations the user belongs to, with their role, oldest membership first; organizations scheduled for deletion are left out. */
export async function listMemberships(userId: string, prisma: DbClient = sharedPrisma) {
  return prisma.member.findMany({
    where: { userId, organization: { deletionScheduledAt: null } },
    select: { role: true, organization: { select: { id: true, name: true, slug: true } } },
    orderBy: { createdAt: "asc" },
  });
}
