import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getIP } from "better-auth/api";
import type { PrismaClient } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { sqlTime } from "@/lib/database/db-types";

/**
 * Per-account slowdown. After {@link ACCOUNT_FAILURE_LIMIT} failed sign-ins for
 * one email within {@link ACCOUNT_FAILURE_WINDOW_SECONDS}, further attempts for
 * that email are refused (429, before the password is checked) until the window
 * ends — except from the address of the account's last successful sign-in, or
 * from a browser holding the account's device cookie (set on every successful
 * sign-in). So an attacker spread over many addresses gets a few guesses per
 * window, and cannot use that to lock the owner out.
 */
export const ACCOUNT_FAILURE_LIMIT = 10;
export const ACCOUNT_FAILURE_WINDOW_SECONDS = 15 * 60;

/** Proves "this browser signed in to this account before" (OWASP's device cookie). */
export const DEVICE_COOKIE = "webhooks_device";
const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

export interface SignInThrottleOptions {
  prisma?: PrismaClient;
  now?: () => number;
}

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function deviceMac(secret: string, email: string, nonce: string): string {
  return createHmac("sha256", secret).update(`device:${email}:${nonce}`).digest("base64url");
}

/** A device token for `email`: a random nonce and its HMAC under the auth secret. */
export function deviceToken(secret: string, email: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${deviceMac(secret, normaliseEmail(email), nonce)}`;
}

/** True when `token` was issued by {@link deviceToken} for `email` under `secret`. */
export function isDeviceTokenFor(secret: string, email: string, token: string | null | undefined): boolean {
  if (!token) return false;
  const [nonce, mac, extra] = token.split(".");
  if (!nonce || !mac || extra !== undefined) return false;
  const expected = Buffer.from(deviceMac(secret, normaliseEmail(email), nonce));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** better-auth plugin: the per-account rule as a before hook and an after hook on `/sign-in/email`. */
export function signInThrottle(options: SignInThrottleOptions = {}) {
  const db = options.prisma ?? prisma;
  const now = options.now ?? Date.now;
  const windowMs = ACCOUNT_FAILURE_WINDOW_SECONDS * 1000;
  const isSignIn = (ctx: { path?: string }) => ctx.path === "/sign-in/email";

  return {
    id: "sign-in-throttle",
    hooks: {
      before: [
        {
          matcher: isSignIn,
          handler: createAuthMiddleware(async (ctx) => {
            const email = typeof ctx.body?.email === "string" ? normaliseEmail(ctx.body.email) : undefined;
            if (!email) return;
            const row = await db.signInThrottle.findUnique({ where: { email } });
            if (!row || row.failures < ACCOUNT_FAILURE_LIMIT) return;
            const endsAt = row.windowStartedAt.getTime() + windowMs;
            const at = now();
            if (endsAt <= at) return;
            const address = getIP(ctx.request ?? ctx.headers ?? new Headers(), ctx.context.options);
            if (address && address === row.lastSuccessAddress) return;
            if (isDeviceTokenFor(ctx.context.secret, email, cookieValue(ctx.headers?.get("cookie"), DEVICE_COOKIE))) return;
            const retryAfter = String(Math.max(1, Math.ceil((endsAt - at) / 1000)));
            throw new APIError(
              "TOO_MANY_REQUESTS",
              {
                code: "ACCOUNT_THROTTLED",
                message: "Too many failed sign-ins for this account. Try again later, or from a browser that signed in to it before.",
              },
              { "Retry-After": retryAfter },
            );
          }),
        },
      ],
      after: [
        {
          matcher: isSignIn,
          handler: createAuthMiddleware(async (ctx) => {
            const email = typeof ctx.body?.email === "string" ? normaliseEmail(ctx.body.email) : undefined;
            if (!email) return;
            const at = now();
            if (ctx.context.newSession) {
              const address = getIP(ctx.request ?? ctx.headers ?? new Headers(), ctx.context.options);
              await db.signInThrottle.upsert({
                where: { email },
                create: { email, failures: 0, windowStartedAt: new Date(at), lastSuccessAddress: address },
                update: { lastSuccessAddress: address },
              });
              ctx.setCookie(DEVICE_COOKIE, deviceToken(ctx.context.secret, email), {
                httpOnly: true,
                sameSite: "lax",
                secure: ctx.context.baseURL.startsWith("https:"),
                path: "/api/auth",
                maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
              });
              return;
            }
            const returned = ctx.context.returned as { statusCode?: number } | undefined;
            if (returned?.statusCode !== 401) return;
            await recordFailure(db, email, at, windowMs);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

/** Counts one failure in the email's window (a new window when the last one ended); one statement. */
async function recordFailure(db: PrismaClient, email: string, at: number, windowMs: number): Promise<void> {
  const rows = await db.$queryRawUnsafe<{ failures: number }[]>(
    `INSERT INTO "SignInThrottle" ("email", "failures", "windowStartedAt") VALUES ($1, 1, $2::timestamp(3))
     ON CONFLICT ("email") DO UPDATE SET
       "failures" = CASE WHEN "SignInThrottle"."windowStartedAt" <= $3::timestamp(3) THEN 1 ELSE "SignInThrottle"."failures" + 1 END,
       "windowStartedAt" = CASE WHEN "SignInThrottle"."windowStartedAt" <= $3::timestamp(3) THEN $2::timestamp(3) ELSE "SignInThrottle"."windowStartedAt" END
     RETURNING "failures"`,
    email,
    sqlTime(new Date(at)),
    sqlTime(new Date(at - windowMs)),
  );
  if (rows[0]?.failures === 1) {
    // Rows of emails that never signed in (guesses, typos) are not kept past their window.
    await db.$executeRawUnsafe(
      `DELETE FROM "SignInThrottle" WHERE "windowStartedAt" < $1::timestamp(3) AND "lastSuccessAddress" IS NULL`,
      sqlTime(new Date(at - windowMs)),
    );
  }
}
