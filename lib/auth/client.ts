"use client";

import { organizationClient, twoFactorClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

/** better-auth's browser client (same origin): sign-up/in/out, organizations, invitations, two-factor. */
// twoFactorClient without onTwoFactorRedirect: the sign-in form shows its own code step.
export const authClient = createAuthClient({ plugins: [organizationClient(), twoFactorClient()] });
