import type { BetterAuthRateLimitOptions } from "better-auth";
import type { PrismaClient } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { sqlTime } from "@/lib/database/db-types";

/**
 * Per-address limits on better-auth's endpoints (window in seconds). The key is
 * the client address from `x-webhooks-client-ip` (lib/http/client-address.ts)
 * and the path, so a client cannot pick a new key by sending `X-Forwarded-For`.
 */
export const AUTH_RATE_LIMIT_RULES = {
  "/sign-in/email": { window: 60, max: 5 },
  "/sign-up/email": { window: 60, max: 5 },
  "/request-password-reset": { window: 600, max: 5 },
  "/reset-password": { window: 60, max: 5 },
  "/change-password": { window: 60, max: 5 },
} as const;

type RateLimitStorage = NonNullable<BetterAuthRateLimitOptions["customStorage"]>;

/** Every other better-auth endpoint: generous, only against floods. */
export const AUTH_RATE_LIMIT_DEFAULT = { window: 10, max: 100 } as const;

/** Rows whose window ended longer ago than this are deleted when a new window opens. */
const STALE_AFTER_MS = 60 * 60 * 1000;

export interface DatabaseRateLimitOptions {
  prisma?: PrismaClient;
  now?: () => number;
}

/**
 * A fixed-window counter per key in the `AuthRateLimit` table, shared by every
 * process on the database. Check and increment are one statement, so concurrent
 * requests cannot all pass on a stale read.
 */
export function databaseRateLimitStorage(options: DatabaseRateLimitOptions = {}): RateLimitStorage {
  const db = options.prisma ?? prisma;
  const now = options.now ?? Date.now;
  return {
    async consume(key, rule) {
      const at = now();
      const windowMs = rule.window * 1000;
      const rows = await db.$queryRawUnsafe<{ count: number; startedAtMs: number }[]>(
        `INSERT INTO "AuthRateLimit" ("key", "count", "windowStartedAt") VALUES ($1, 1, $2::timestamp(3))
         ON CONFLICT ("key") DO UPDATE SET
           "count" = CASE WHEN "AuthRateLimit"."windowStartedAt" <= $3::timestamp(3) THEN 1 ELSE "AuthRateLimit"."count" + 1 END,
           "windowStartedAt" = CASE WHEN "AuthRateLimit"."windowStartedAt" <= $3::timestamp(3) THEN $2::timestamp(3) ELSE "AuthRateLimit"."windowStartedAt" END
         RETURNING "count", (EXTRACT(EPOCH FROM "windowStartedAt") * 1000)::float8 AS "startedAtMs"`,
        key,
        sqlTime(new Date(at)),
        sqlTime(new Date(at - windowMs)),
      );
      const { count, startedAtMs } = rows[0]!;
      if (count === 1) {
        await db.$executeRawUnsafe(`DELETE FROM "AuthRateLimit" WHERE "windowStartedAt" < $1::timestamp(3)`, sqlTime(new Date(at - STALE_AFTER_MS)));
      }
      if (count <= rule.max) return { allowed: true, retryAfter: null };
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((startedAtMs + windowMs - at) / 1000)) };
    },
  };
}

/** better-auth's `rateLimit` option: on in every mode, counted in the database. */
export function authRateLimitOptions(options: DatabaseRateLimitOptions = {}): BetterAuthRateLimitOptions {
  return {
    enabled: true,
    ...AUTH_RATE_LIMIT_DEFAULT,
    customRules: { ...AUTH_RATE_LIMIT_RULES },
    customStorage: databaseRateLimitStorage(options),
  };
}

/**
 * better-auth answers its own 429 with `X-Retry-After` only; browsers, proxies and
 * HTTP clients read the standard `Retry-After`. Copies it over.
 */
export function withRetryAfter(response: Response): Response {
  if (response.status !== 429 || response.headers.has("retry-after")) return response;
  const seconds = response.headers.get("x-retry-after");
  if (!seconds) return response;
  const headers = new Headers(response.headers);
  headers.set("Retry-After", seconds);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
