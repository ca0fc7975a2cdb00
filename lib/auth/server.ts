import { randomBytes } from "node:crypto";
import path from "node:path";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { organization, twoFactor } from "better-auth/plugins";
import { nextCookies } from "better-auth/next-js";
import { authHooks } from "@/lib/auth/hooks";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { authRateLimitOptions } from "@/lib/auth/rate-limit";
import { signInThrottle } from "@/lib/auth/sign-in-throttle";
import { CLIENT_IP_HEADER } from "@/lib/http/client-address";
import { sendInvitationEmail, sendResetPassword, sendVerificationEmail } from "@/lib/auth/mails";
import { appOrigins } from "@/lib/http/same-origin";
import { newId, type IdPrefix } from "@/lib/ids";
import { readOrCreateFile } from "@/lib/local-file";
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
  twoFactor: "tfa",
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
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      // EMAIL_VERIFICATION=required: no session before the mailed link is opened.
      requireEmailVerification: env.emailVerification === "required",
      sendResetPassword,
    },
    emailVerification: { sendOnSignUp: true, sendOnSignIn: true, sendVerificationEmail },
    telemetry: { enabled: false },
    // Per-address limits in every mode, counted in the database (lib/auth/rate-limit.ts).
    rateLimit: authRateLimitOptions(),
    // Organization changes are audited; organizations scheduled for deletion stay hidden.
    hooks: authHooks,
    advanced: {
      // Set by npm start's server from the peer and TRUSTED_PROXIES, never taken from the client.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
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
        // Anyone can sign up with any address: only a verified one proves it is the invitee's.
        requireEmailVerificationOnInvitation: true,
        sendInvitationEmail,
      }),
      // Failed sign-ins per account (lib/auth/sign-in-throttle.ts); before nextCookies, which must stay last.
      signInThrottle(),
      // TOTP (authenticator apps) with one-time recovery codes; turned on only after a first code verifies.
      twoFactor({ issuer: "Webhooks" }),
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
