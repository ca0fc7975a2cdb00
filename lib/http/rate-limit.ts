import { getEnv, type RateLimitName } from "@/lib/env";
import { HttpError } from "@/lib/http/errors";
import { SharedRateLimiter } from "@/lib/limits/rate-limiter";
import { describeRateLimit } from "@/lib/limits/spec";

/** What each limit counts, for the 429's message; the variable that sets it. */
export const RATE_LIMITS: Readonly<Record<RateLimitName, { what: string; per: string; variable: string }>> = {
  ingestPerKey: { what: "events sent", per: "API key", variable: "RATE_LIMIT_INGEST_PER_KEY" },
  ingestPerOrganization: { what: "events sent", per: "organization", variable: "RATE_LIMIT_INGEST_PER_ORGANIZATION" },
  managementPerKey: { what: "management API requests", per: "API key", variable: "RATE_LIMIT_MANAGEMENT_PER_KEY" },
  testSends: { what: "test sends", per: "organization", variable: "RATE_LIMIT_TEST_SENDS" },
  redeliveries: { what: "redeliveries", per: "organization", variable: "RATE_LIMIT_REDELIVERIES" },
  recoveries: { what: "recoveries of failed deliveries", per: "organization", variable: "RATE_LIMIT_RECOVERIES" },
};

const limiter = new SharedRateLimiter();

/**
 * Counts one use — or `cost` uses: a batch counts each of its events — of the
 * named limit for `subject` (an API key id or an organization id), shared by
 * every process on the database. Throws HttpError
 * 429 `rate_limited` with `Retry-After` once the window's budget is spent; does
 * nothing when the limit is configured `off`.
 */
export async function enforceRateLimit(name: RateLimitName, subject: string, options: { limiter?: SharedRateLimiter; cost?: number } = {}): Promise<void> {
  const spec = getEnv().rateLimits[name];
  if (!spec) return;
  const decision = await (options.limiter ?? limiter).take(`${name}:${subject}`, spec, options.cost);
  if (decision.allowed) return;
  const { what, per } = RATE_LIMITS[name];
  const retryAfter = decision.retryAfterSeconds;
  throw new HttpError(
    429,
    "rate_limited",
    `Too many ${what} for this ${per}: the limit is ${describeRateLimit(spec)}; try again in ${retryAfter} s`,
    { limit: describeRateLimit(spec), retryAfterSeconds: retryAfter },
    { "Retry-After": String(retryAfter) },
  );
}
