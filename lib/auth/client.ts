"use client";

import { organizationClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

/** better-auth's browser client (same origin): sign-up/in/out, organizations, invitations. */
export const authClient = createAuthClient({ plugins: [organizationClient()] });
