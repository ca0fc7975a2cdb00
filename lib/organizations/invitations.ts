import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";

/** Longest id an invitation link can carry; anything longer is not looked up. */
const INVITATION_ID_MAX = 100;

/**
 * The organization's pending invitations (expired ones included, so they can
 * be cancelled or resent), newest first. `organizationId` must come from the
 * viewer's membership, never from the request.
 */
export async function listPendingInvitations(organizationId: string, prisma: DbClient = sharedPrisma) {
  return prisma.invitation.findMany({
    where: { organizationId, status: "pending" },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true, inviter: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
  });
}

export interface InvitationsForOptions {
  /** The invitee's address; it must be verified, or anyone could claim another person's invitations by signing up with their address. */
  email: string;
  /** Organizations the invitee already belongs to: accepting again would add a second membership. */
  excludeOrganizationIds: readonly string[];
  now?: () => Date;
  prisma?: DbClient;
}

/** Pending, unexpired invitations sent to `email` (compared case-insensitively), newest first, with the organization and the inviter's name. */
export async function listInvitationsFor({ email, excludeOrganizationIds, now = () => new Date(), prisma = sharedPrisma }: InvitationsForOptions) {
  return prisma.invitation.findMany({
    where: {
      email: { equals: email, mode: "insensitive" },
      status: "pending",
      expiresAt: { gt: now() },
      organizationId: { notIn: [...excludeOrganizationIds] },
    },
    select: {
      id: true,
      role: true,
      organization: { select: { id: true, name: true, slug: true } },
      inviter: { select: { name: true } },
    },
    orderBy: { createdAt: "desc" },
  });
}

/**
 * The invitation an invitation link names, with its organization and inviter,
 * whatever its status; null when there is none (or the id is too long to be one).
 */
export async function findInvitation(id: string, prisma: DbClient = sharedPrisma) {
  if (id.length > INVITATION_ID_MAX) return null;
  return prisma.invitation.findUnique({
    where: { id },
    select: {
      email: true,
      role: true,
      status: true,
      expiresAt: true,
      organization: { select: { id: true, name: true, slug: true } },
      inviter: { select: { name: true } },
    },
  });
}
