import { z } from "zod";
import type { OrgRole } from "@/lib/auth/server";
import { getOrganizationSecurity, setOrganizationSecurity } from "@/lib/auth/two-factor-policy";
import { apiRoute } from "@/lib/http/route";
import { organizationSecurityResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

/** The organization's security settings (`{requireOwnerTwoFactor}`), for any member. */
export const GET = apiRoute({
  access: "member",
  summary: "Read the organization's security settings",
  responses: { 200: organizationSecurityResponse },
}, async ({ actor }) => getOrganizationSecurity(actor.organizationId));

/** Owners only (403 for admins); turning "required for owners" on needs the owner's own two-factor (403 two_factor_required). */
export const PATCH = apiRoute({
  access: "manager",
  body: z.object({ requireOwnerTwoFactor: z.boolean() }).strict(),
  summary: "Change the organization's security settings",
  description: "Owners only. Turning `requireOwnerTwoFactor` on needs two-factor on the owner's own account first.",
  responses: { 200: organizationSecurityResponse },
  errors: { 403: "`forbidden`: an admin (owners only); `two_factor_required`: turning it on without two-factor on your own account" },
}, async ({ actor, body }) =>
  setOrganizationSecurity({
    organizationId: actor.organizationId,
    userId: actor.userId!,
    role: actor.role as OrgRole,
    requireOwnerTwoFactor: body.requireOwnerTwoFactor,
  }),
);
