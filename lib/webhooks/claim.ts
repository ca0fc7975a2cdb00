import type { SpanContext } from "@opentelemetry/api";
import { sqlTime, type DbClient } from "@/lib/database/db-types";
import { hotStatement, runHot } from "@/lib/database/hot-sql";
import { RATE_HORIZON_MS, spacingMicrosSql } from "@/lib/webhooks/rate-limit";
import type { RetryPresetName } from "@/lib/webhooks/retry-presets";
import type { SignatureScheme } from "@/lib/webhooks/signing-keys";

/**
 * The claim: which due deliveries a worker leases next. Every worker process
 * runs this one statement against the shared database, so the limits it applies
 * hold across workers without any coordination in memory.
 */

/**
 * The columns one attempt needs — delivery `d`, endpoint `e`, stored event `v`
 * and circuit `c` — which the claim returns with the lease, so a claimed
 * delivery costs no extra read.
 */
export const LEASED_COLUMNS = `d."id", d."organizationId", d."endpointId", d."event", d."idempotencyKey", d."attempts", d."leaseOwner", d."leaseExpiresAt", d."createdAt", d."orderingKey",
  e."url", e."status"::text AS "endpointStatus", e."secretEncrypted", e."signatureScheme"::text AS "signatureScheme",
  e."previousSecretEncrypted", e."previousSignatureScheme"::text AS "previousSignatureScheme", e."previousSecretExpiresAt",
  e."failingSince", e."lastSuccessAt", e."rateLimitPerSecond", e."retryPreset"::text AS "retryPreset", e."headersEncrypted", e."sendTraceparent",
  v."body", v."createdAt" AS "eventCreatedAt", v."traceparent",
  c."state"::text AS "circuitState", c."consecutiveFailures" AS "circuitFailures"`;

export type LeasedRow = Record<string, unknown>;

export interface LoadedDelivery {
  id: string;
  organizationId: string;
  endpointId: string;
  event: string;
  idempotencyKey: string;
  attempts: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  createdAt: Date;
  /** Its queue on an ordered endpoint (ordering.ts); null otherwise. */
  orderingKey: string | null;
  endpoint: {
    id: string;
    organizationId: string;
    url: string;
    status: "active" | "disabled";
    secretEncrypted: string;
    signatureScheme: SignatureScheme;
    previousSecretEncrypted: string | null;
    previousSignatureScheme: SignatureScheme;
    previousSecretExpiresAt: Date | null;
    failingSince: Date | null;
    lastSuccessAt: Date | null;
    /** At most this many attempts start per second to the endpoint (rate-limit.ts); null: no limit. */
    rateLimitPerSecond: number | null;
    retryPreset: RetryPresetName;
    /** Sealed custom headers (endpoint-headers.ts); null: none. */
    headersEncrypted: string | null;
    /** Send a W3C `traceparent` header with each attempt (tracing.ts). */
    sendTraceparent: boolean;
  };
  /** `traceparent`: the trace context of the enqueue that stored the event, continued by its attempts (tracing.ts). */
  webhookEvent: { body: string; createdAt: Date; traceparent: string | null };
  circuit: { state: string; consecutiveFailures: number } | null;
  /** The `webhook.claim` span that leased it, when traced: its attempt links to it. */
  claimSpan?: SpanContext;
}

export function toLoadedDelivery(row: LeasedRow): LoadedDelivery {
  return {
    id: row.id as string,
    organizationId: row.organizationId as string,
    endpointId: row.endpointId as string,
    event: row.event as string,
    idempotencyKey: row.idempotencyKey as string,
    attempts: Number(row.attempts),
    leaseOwner: row.leaseOwner as string | null,
    leaseExpiresAt: row.leaseExpiresAt as Date | null,
    createdAt: row.createdAt as Date,
    orderingKey: (row.orderingKey as string | null | undefined) ?? null,
    endpoint: {
      id: row.endpointId as string,
      organizationId: row.organizationId as string,
      url: row.url as string,
      status: row.endpointStatus as "active" | "disabled",
      secretEncrypted: row.secretEncrypted as string,
      signatureScheme: (row.signatureScheme as SignatureScheme | undefined) ?? "hmac",
      previousSecretEncrypted: row.previousSecretEncrypted as string | null,
      previousSignatureScheme: (row.previousSignatureScheme as SignatureScheme | undefined) ?? "hmac",
      previousSecretExpiresAt: row.previousSecretExpiresAt as Date | null,
      failingSince: row.failingSince as Date | null,
      lastSuccessAt: row.lastSuccessAt as Date | null,
      rateLimitPerSecond: row.rateLimitPerSecond === null || row.rateLimitPerSecond === undefined ? null : Number(row.rateLimitPerSecond),
      retryPreset: (row.retryPreset as RetryPresetName | undefined) ?? "standard",
      headersEncrypted: (row.headersEncrypted as string | null | undefined) ?? null,
      sendTraceparent: row.sendTraceparent === true,
    },
    webhookEvent: { body: row.body as string, createdAt: row.eventCreatedAt as Date, traceparent: (row.traceparent as string | null | undefined) ?? null },
    circuit: row.circuitState ? { state: row.circuitState as string, consecutiveFailures: Number(row.circuitFailures) } : null,
  };
}

export interface ClaimInput {
  /** Free slots in the calling worker: at most this many leases are returned. */
  limit: number;
  now: Date;
  workerId: string;
  leaseSeconds: number;
  /** Attempts in flight to one endpoint across all workers. */
  endpointConcurrency: number;
  /** Attempts in flight for one organization across all workers; 0: no cap. */
  organizationConcurrency: number;
}

/**
 * Leases up to `limit` due deliveries for `workerId` and returns them loaded
 * (endpoint, stored body, circuit): no read per delivery afterwards.
 *
 * - **Fair between organizations.** Free slots go first to the organizations
 *   with the fewest attempts in flight across all workers (water-filling: each
 *   candidate's priority is its organization's in-flight count plus its rank in
 *   that organization's due queue), so a tenant with a deep backlog of slow
 *   deliveries cannot make another tenant's new event wait behind it. It is
 *   work-conserving: an organization alone with due work may take every slot.
 * - **Caps.** Organizations with `organizationConcurrency` attempts in flight, and
 *   endpoints with `endpointConcurrency`, are left out before any row is locked.
 * - **Skips** open circuits, endpoints whose secret no key opens
 *   (`signingBlockedAt`, see stored-secrets.ts), `listen` endpoints (their
 *   stream's web process attempts those, listen.ts) and organizations being deleted.
 * - **Ordered endpoints** (ordering.ts): a delivery with an ordering key is a
 *   candidate only while no earlier delivery of its key (lower `orderSeq`) is
 *   still pending — leased, waiting for a retry or held — so each key has at most
 *   one attempt in flight, in enqueue order, whichever worker claims.
 * - **Rate-limited endpoints** (rate-limit.ts): at most as many deliveries as the
 *   endpoint has free starts within the next {@link RATE_HORIZON_MS} ms; none while
 *   its next start is further away.
 * - `FOR UPDATE … SKIP LOCKED`: concurrent workers never lease the same row. A lease
 *   that expires (crashed worker) makes the delivery claimable again, with the same id.
 *
 * Organizations with due work are found by a skip scan of the
 * `(status, organizationId, nextAttemptAt)` index (one probe per organization
 * with pending deliveries) — first counted, by a small statement of its own, to
 * size the window — and each is read in due order from that index up to the
 * window, which shrinks as more organizations compete (twice its fair share,
 * at least {@link MIN_ORGANIZATION_WINDOW}), so the rows read and locked per
 * claim stay near `limit` however deep the backlog. Nothing is claimed (one
 * cheap statement) when no organization has due work.
 */
export async function claimLeases(db: DbClient, input: ClaimInput): Promise<LoadedDelivery[]> {
  const leaseUntil = new Date(input.now.getTime() + input.leaseSeconds * 1000);
  const [{ due }] = (await runHot<{ due: number }>(db, DUE_ORGANIZATIONS, [sqlTime(input.now)])) as [{ due: number }];
  if (due === 0) return [];
  const rows = await runHot<LeasedRow>(db, CLAIM, [
    sqlTime(input.now),
    input.limit,
    input.endpointConcurrency,
    input.workerId,
    sqlTime(leaseUntil),
    input.organizationConcurrency || NO_CAP,
    organizationWindow(input.limit, due),
  ]);
  return rows.map(toLoadedDelivery);
}

/**
 * The most due rows read (and locked) per organization in one claim: twice its
 * fair share of `limit` when `due` organizations compete, at least
 * {@link MIN_ORGANIZATION_WINDOW}, never more than `limit`. A number known when
 * the statement is planned, so each organization's due rows are read in order
 * from the index and the read stops there, however deep the backlog.
 */
export function organizationWindow(limit: number, due: number): number {
  return Math.min(limit, Math.max(Math.ceil((2 * limit) / Math.max(due, 1)), MIN_ORGANIZATION_WINDOW));
}

const NO_CAP = 2_147_483_647;

/** The fewest due rows read per organization in one claim, however many organizations compete. */
export const MIN_ORGANIZATION_WINDOW = 10;

/** The end of the rate limiter's horizon ($1 = now): starts later than this are not taken yet. */
const HORIZON_END = `($1::timestamp(3) + interval '${RATE_HORIZON_MS} milliseconds')`;

/** The leased rows and the filters every candidate must pass ($1 = now). */
const ELIGIBLE = `d."status" = 'pending'
          AND d."nextAttemptAt" <= $1::timestamp(3)
          AND (d."leaseExpiresAt" IS NULL OR d."leaseExpiresAt" <= $1::timestamp(3))`;

/** Organizations with pending deliveries: a skip scan, one index probe per organization. */
const PENDING_ORGANIZATIONS = `pending_orgs AS (
   (SELECT d."organizationId" AS "id" FROM "WebhookDelivery" d WHERE d."status" = 'pending' ORDER BY d."organizationId" LIMIT 1)
   UNION ALL
   SELECT (SELECT d."organizationId" FROM "WebhookDelivery" d
            WHERE d."status" = 'pending' AND d."organizationId" > p."id" ORDER BY d."organizationId" LIMIT 1)
     FROM pending_orgs p WHERE p."id" IS NOT NULL
 )`;

/** How many organizations have due work now ($1): sets the per-organization window of the claim. */
const DUE_ORGANIZATIONS = hotStatement(
  "webhook_due_organizations",
  `WITH RECURSIVE ${PENDING_ORGANIZATIONS}
   SELECT count(*)::int AS "due"
     FROM pending_orgs p
     JOIN "Organization" o ON o."id" = p."id" AND o."deletionScheduledAt" IS NULL
    WHERE EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."organizationId" = p."id" AND ${ELIGIBLE})`,
);

/**
 * The end of a claim statement: leases the rows of its `chosen` CTE (`id`, `endpointId`,
 * `eventId`) to $4 until $5 and returns each with what its attempt needs ({@link LEASED_COLUMNS}).
 * The workers' claim and a listen stream's (listen.ts) end alike.
 */
export const LEASE_CHOSEN = `UPDATE "WebhookDelivery" d
    SET "leaseOwner" = $4, "leaseExpiresAt" = $5::timestamp(3)
   FROM chosen
   JOIN "WebhookEndpoint" e ON e."id" = chosen."endpointId"
   JOIN "WebhookEvent" v ON v."id" = chosen."eventId"
   LEFT JOIN "WebhookCircuit" c ON c."key" = chosen."endpointId"
  WHERE d."id" = chosen."id"
 RETURNING ${LEASED_COLUMNS}`;

const CLAIM = hotStatement(
  "webhook_claim_leases",
  `WITH RECURSIVE in_flight AS (
   -- Leased rows only (an index range on leaseExpiresAt), counted per endpoint.
   SELECT f."endpointId", f."organizationId", count(*)::int AS "count"
     FROM "WebhookDelivery" f
    WHERE f."leaseExpiresAt" > $1::timestamp(3) AND f."status" = 'pending'
    GROUP BY f."endpointId", f."organizationId"
 ), org_in_flight AS (
   SELECT "organizationId", sum("count")::int AS "count" FROM in_flight GROUP BY "organizationId"
 ), blocked AS (
   -- Endpoints that get nothing this round: an open circuit (or a probe in
   -- flight), a secret no key opens, or already at their in-flight limit. Left out BEFORE
   -- the window is cut, so a stalled endpoint's older backlog cannot fill it and starve the
   -- others; and checked as a plain filter on the index scan, which keeps the read in order.
   SELECT c."key" AS "id" FROM "WebhookCircuit" c
    WHERE (c."state" = 'open' AND c."probeAt" > $1::timestamp(3))
       OR (c."state" = 'half_open' AND c."probeLeaseUntil" > $1::timestamp(3))
   -- A listen endpoint's deliveries are the web process's that holds its stream (listen.ts).
   UNION SELECT b."id" FROM "WebhookEndpoint" b WHERE b."signingBlockedAt" IS NOT NULL OR b."kind" = 'cli'
   UNION SELECT i."endpointId" FROM in_flight i WHERE i."count" >= $3
   -- No start free within the horizon (rate-limit.ts).
   UNION SELECT r."endpointId" FROM "WebhookRateLimit" r WHERE r."nextStartAt" > ${HORIZON_END}
 ), ${PENDING_ORGANIZATIONS}, due_orgs AS (
   SELECT p."id", COALESCE(oi."count", 0) AS "inFlight"
     FROM pending_orgs p
     -- A deleted organization's deliveries stop at once (its pending ones are cancelled too).
     JOIN "Organization" o ON o."id" = p."id" AND o."deletionScheduledAt" IS NULL
     LEFT JOIN org_in_flight oi ON oi."organizationId" = p."id"
    WHERE COALESCE(oi."count", 0) < $6
 ), candidates AS (
   SELECT c.*, o."inFlight" AS "orgInFlight"
     FROM due_orgs o
    CROSS JOIN LATERAL (
      SELECT d."id", d."organizationId", d."endpointId", d."eventId", d."nextAttemptAt"
        FROM "WebhookDelivery" d
       WHERE d."organizationId" = o."id" AND ${ELIGIBLE}
         -- NOT IN (not NOT EXISTS): a hashed filter on the index scan, not an anti-join whose
         -- estimate (with few endpoints, "no row passes") would turn the ordered read into a full sort.
         AND d."endpointId" NOT IN (SELECT "id" FROM blocked)
         -- An ordered delivery waits while an earlier one of its key is pending (an OR keeps
         -- this a per-row check on the index scan, never an anti-join).
         AND (d."orderingKey" IS NULL OR NOT EXISTS (
               SELECT 1 FROM "WebhookDelivery" p
                WHERE p."endpointId" = d."endpointId" AND p."status" = 'pending'
                  AND p."orderingKey" = d."orderingKey" AND p."orderSeq" < d."orderSeq"))
       ORDER BY d."nextAttemptAt"
       -- $7: the per-organization window (organizationWindow), a constant for the planner.
       LIMIT $7
       FOR UPDATE OF d SKIP LOCKED
    ) c
 ), rate_starts AS (
   -- Free starts within the horizon of each rate-limited endpoint among the candidates.
   SELECT e."id" AS "endpointId",
          floor(extract(epoch FROM ${HORIZON_END} - greatest(r."nextStartAt", $1::timestamp(3))) * 1000000 / ${spacingMicrosSql("e")}) + 1 AS "free"
     FROM "WebhookEndpoint" e LEFT JOIN "WebhookRateLimit" r ON r."endpointId" = e."id"
    WHERE e."rateLimitPerSecond" IS NOT NULL AND e."id" IN (SELECT "endpointId" FROM candidates)
 ), by_endpoint AS (
   SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c."endpointId" ORDER BY c."nextAttemptAt") AS "endpointRank", COALESCE(i."count", 0) AS "endpointInFlight"
     FROM candidates c LEFT JOIN in_flight i ON i."endpointId" = c."endpointId"
 ), by_organization AS (
   -- The fair share: what the organization would have in flight with this row leased.
   SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b."organizationId" ORDER BY b."nextAttemptAt") + b."orgInFlight" AS "share"
     FROM by_endpoint b LEFT JOIN rate_starts s ON s."endpointId" = b."endpointId"
    WHERE b."endpointRank" + b."endpointInFlight" <= $3 AND (s."free" IS NULL OR b."endpointRank" <= s."free")
 ), chosen AS (
   SELECT "id", "endpointId", "eventId" FROM by_organization WHERE "share" <= $6 ORDER BY "share", "nextAttemptAt" LIMIT $2
 )
 ${LEASE_CHOSEN}`,
);
