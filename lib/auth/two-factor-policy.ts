import type { OrgRole } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { HttpError } from "@/lib/http/errors";

/** Where a user turns two-factor authentication on, and where owners blocked by the policy are sent. */
export const ACCOUNT_SECURITY_PATH = "/account/security";

/** The 403 an owner without two-factor gets from a manager route of an organization that requires it. */
export function twoFactorRequiredError(): HttpError {
  return new HttpError(
    403,
    "two_factor_required",
    `This organization requires owners to use two-factor authentication. Turn it on at ${ACCOUNT_SECURITY_PATH}, then try again.`,
  );
}

/** Whether the user's account has two-factor authentication turned on (a first code verified). */
export async function hasTwoFactor(userId: string): Promise<boolean> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { twoFactorEnabled: true } });
  return user?.twoFactorEnabled === true;
}

/**
 * True when the member is an owner of an organization that requires owners to
 * use two-factor authentication and their account does not have it on. Owners
 * can delete the organization and change who manages it, so a stolen password
 * alone must not be enough there. Admins and members are not affected.
 */
export async function ownerMissingTwoFactor(userId: string, membership: { id: string; role: OrgRole }): Promise<boolean> {
  if (membership.role !== "owner") return false;
  const organization = await prisma.organization.findUnique({ where: { id: membership.id }, select: { requireOwnerTwoFactor: true } });
  if (!organization?.requireOwnerTwoFactor) return false;
  return !(await hasTwoFactor(userId));
}

export interface OrganizationSecurity {
  requireOwnerTwoFactor: boolean;
}

/** The organization's security settings. */
export async function getOrganizationSecurity(organizationId: string): Promise<OrganizationSecurity> {
  const organization = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { requireOwnerTwoFactor: true } });
  return { requireOwnerTwoFactor: organization.requireOwnerTwoFactor };
}

export interface SetOrganizationSecurityOptions {
  organizationId: string;
  userId: string;
  role: OrgRole;
  requireOwnerTwoFactor: boolean;
}

/**
 * Changes the organization's security settings. Owners only (403 `forbidden`
 * otherwise); turning "required for owners" on needs two-factor on the
 * owner's own account first (403 `two_factor_required`), so nobody locks
 * themselves out of the settings they just changed.
 */
export async function setOrganizationSecurity(options: SetOrganizationSecurityOptions): Promise<OrganizationSecurity> {
  if (options.role !== "owner") throw new HttpError(403, "forbidden", "Only owners can change the organization's security settings");
  if (options.requireOwnerTwoFactor && !(await hasTwoFactor(options.userId))) {
    throw new HttpError(403, "two_factor_required", `Turn on two-factor authentication for your own account first (${ACCOUNT_SECURITY_PATH})`);
  }
  const organization = await prisma.organization.update({
    where: { id: options.organizationId },
    data: { requireOwnerTwoFactor: options.requireOwnerTwoFactor },
    select: { requireOwnerTwoFactor: true },
  });
  return { requireOwnerTwoFactor: organization.requireOwnerTwoFactor };
}
