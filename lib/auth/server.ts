import { randomBytes } from "node:crypto";
import path from "node:path";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { organization } from "better-auth/plugins";
import { nextCookies } from "better-auth/next-js";
import { authHooks } from "@/lib/auth/hooks";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { appOrigins } from "@/lib/http/same-origin";
import { newId, type IdPrefix } from "@/lib/ids";
import { readOrCreateFile } from "@/lib/local-file";
import { logger } from "@/lib/logger";
import { SecretError } from "@/lib/webhooks/errors";

/** Roles of the organization plugin: owners and admins manage webhooks, members read history. */
export const MANAGER_ROLES = ["owner", "admin"] as const;
export type OrgRole = "owner" | "admin" | "member";

const ID_PREFIXES: Record<string, IdPrefix> = {
  user: "user",
  session: "sess",
  account: "acct",
  verification: "ver",
  organization: "org",
  member: "mem",
  invitation: "inv",
};

/** Signs session cookies: BETTER_AUTH_SECRET, or a local secret generated once under DATA_DIR in development. */
function authSecret(): string {
  const env = getEnv();
  if (env.authSecret) return env.authSecret;
  if (env.runMode === "production") {
    throw new SecretError("encryption_key_missing", "BETTER_AUTH_SECRET must be set in production (at least 32 random characters)");
  }
  if (env.dataDir === "memory://") return randomBytes(32).toString("base64url");
  return readOrCreateFile(path.join(env.dataDir, "auth-secret"), () => randomBytes(32).toString("base64url")).trim();
}

function createAuth() {
  const env = getEnv();
  return betterAuth({
    appName: "Webhooks",
    baseURL: env.appUrl,
    secret: authSecret(),
    // Requests from any other origin are refused (CSRF). Locally the app answers on both names.
    trustedOrigins: appOrigins(env.appUrl),
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    telemetry: { enabled: false },
    // Organization changes are audited; organizations scheduled for deletion stay hidden.
    hooks: authHooks,
    advanced: {
      database: {
        // Readable, sortable ids (`user_…`, `org_…`) like the rest of the product.
        generateId: ({ model }) => newId(ID_PREFIXES[model] ?? "ver"),
      },
    },
    plugins: [
      organization({
        allowUserToCreateOrganization: true,
        creatorRole: "owner",
        // Deletion goes through DELETE /api/organization (grace period, audit), never at once.
        disableOrganizationDeletion: true,
        invitationExpiresIn: 7 * 24 * 60 * 60,
        // No mail server is assumed, so addresses are never verified; the invitee must
        // still be signed in with the invited address and hold the invitation's id.
        requireEmailVerificationOnInvitation: false,
        // No mail server is assumed: the settings page shows the invitation link to copy.
        async sendInvitationEmail(data) {
          logger.info({ organizationId: data.organization.id, invitationId: data.id }, "invitation created");
        },
      }),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const holder = globalThis as typeof globalThis & { __webhookAuth?: Auth };

/** The better-auth instance, created on first use (after configuration is validated). */
export function getAuth(): Auth {
  holder.__webhookAuth ??= createAuth();
  return holder.__webhookAuth;
}

/** Forget the instance (tests that change configuration). */
export function resetAuth(): void {
  holder.__webhookAuth = undefined;
}
