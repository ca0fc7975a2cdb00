import { createAuthMiddleware } from "better-auth/api";
import { recordOrganizationChange, rememberPreviousRole } from "@/lib/audit/auth-hooks";
import { hideDeletedOrganizations, refuseDeletedOrganization } from "@/lib/organizations/auth-guard";

/** better-auth's `hooks`: deleted organizations stay hidden, organization changes are audited. */
export const authHooks = {
  before: createAuthMiddleware(async (ctx) => {
    await refuseDeletedOrganization(ctx);
    await rememberPreviousRole(ctx);
  }),
  after: createAuthMiddleware(async (ctx) => {
    const filtered = await hideDeletedOrganizations(ctx);
    if (filtered) return filtered;
    await recordOrganizationChange(ctx);
  }),
};
