import { sqlTime, type DbClient } from "@/lib/database/db-types";
import { hotStatement, runHot } from "@/lib/database/hot-sql";

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
export const LEASED_COLUMNS = `d."id", d."organizationId", d."endpointId", d."event", d."idempotencyKey", d."attempts", d."leaseOwner", d."leaseExpiresAt", d."createdAt",
  e."url", e."status"::text AS "endpointStatus", e."secretEncrypted", e."previousSecretEncrypted", e."previousSecretExpiresAt",
  e."failingSince", e."lastSuccessAt",
  v."body", v."createdAt" AS "eventCreatedAt",
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
  endpoint: {
    id: string;
    organizationId: string;
    url: string;
    status: "active" | "disabled";
    secretEncrypted: string;
    previousSecretEncrypted: string | null;
    previousSecretExpiresAt: Date | null;
    failingSince: Date | null;
    lastSuccessAt: Date | null;
  };
  webhookEvent: { body: string; createdAt: Date };
  circuit: { state: string; consecutiveFailures: number } | null;
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
    endpoint: {
      id: row.endpointId as string,
      organizationId: row.organizationId as string,
      url: row.url as string,
      status: row.endpointStatus as "active" | "disabled",
      secretEncrypted: row.secretEncrypted as string,
      previousSecretEncrypted: row.previousSecretEncrypted as string | null,
      previousSecretExpiresAt: row.previousSecretExpiresAt as Date | null,
      failingSince: row.failingSince as Date | null,
      lastSuccessAt: row.lastSuccessAt as Date | null,
    },
    webhookEvent: { body: row.body as string, createdAt: row.eventCreatedAt as Date },
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
 *   (`signingBlockedAt`, see stored-secrets.ts) and organizations being deleted.
 * - `FOR UPDATE … SKIP LOCKED`: concurrent workers never lease the same row. A lease
 *   that expires (crashed worker) makes the delivery claimable again, with the same id.
 *
 * Organizations with due work are found by a skip scan of the
 * `(status, organizationId, nextAttemptAt)` index (one probe per organization
 * with pending deliveries), and each is read in due order up to a window that
 * shrinks as more organizations compete (twice its fair share, at least
 * {@link MIN_ORGANIZATION_WINDOW}), so the rows locked per claim stay near `limit`.
 */
export async function claimLeases(db: DbClient, input: ClaimInput): Promise<LoadedDelivery[]> {
  const leaseUntil = new Date(input.now.getTime() + input.leaseSeconds * 1000);
  const rows = await runHot<LeasedRow>(db, CLAIM, [sqlTime(input.now), input.limit, input.endpointConcurrency, input.workerId, sqlTime(leaseUntil), input.organizationConcurrency || NO_CAP, MIN_ORGANIZATION_WINDOW]);
  return rows.map(toLoadedDelivery);
}

const NO_CAP = 2_147_483_647;

/** The fewest due rows read per organization in one claim, however many organizations compete. */
export const MIN_ORGANIZATION_WINDOW = 10;

/** The leased rows and the filters every candidate must pass ($1 = now). */
const ELIGIBLE = `d."status" = 'pending'
          AND d."nextAttemptAt" <= $1::timestamp(3)
          AND (d."leaseExpiresAt" IS NULL OR d."leaseExpiresAt" <= $1::timestamp(3))`;

const CLAIM = hotStatement("webhook_claim_leases", `WITH RECURSIVE in_flight AS (
   -- Leased rows only (an index range on leaseExpiresAt), counted per endpoint.
   SELECT f."endpointId", f."organizationId", count(*)::int AS "count"
     FROM "WebhookDelivery" f
    WHERE f."leaseExpiresAt" > $1::timestamp(3) AND f."status" = 'pending'
    GROUP BY f."endpointId", f."organizationId"
 ), org_in_flight AS (
   SELECT "organizationId", sum("count")::int AS "count" FROM in_flight GROUP BY "organizationId"
 ), pending_orgs AS (
   -- Each organization with pending deliveries once: a skip scan, one index probe per organization.
   (SELECT d."organizationId" AS "id" FROM "WebhookDelivery" d WHERE d."status" = 'pending' ORDER BY d."organizationId" LIMIT 1)
   UNION ALL
   SELECT (SELECT d."organizationId" FROM "WebhookDelivery" d
            WHERE d."status" = 'pending' AND d."organizationId" > p."id" ORDER BY d."organizationId" LIMIT 1)
     FROM pending_orgs p WHERE p."id" IS NOT NULL
 ), due_orgs AS (
   SELECT p."id", COALESCE(oi."count", 0) AS "inFlight"
     FROM pending_orgs p
     -- A deleted organization's deliveries stop at once (its pending ones are cancelled too).
     JOIN "Organization" o ON o."id" = p."id" AND o."deletionScheduledAt" IS NULL
     LEFT JOIN org_in_flight oi ON oi."organizationId" = p."id"
    WHERE COALESCE(oi."count", 0) < $6
      AND EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."organizationId" = p."id" AND ${ELIGIBLE})
 ), fair_window AS (
   SELECT greatest(ceil(2.0 * $2 / greatest(count(*), 1)), $7)::int AS "perOrganization" FROM due_orgs
 ), candidates AS (
   SELECT c.*, o."inFlight" AS "orgInFlight"
     FROM due_orgs o
    CROSS JOIN fair_window w
    CROSS JOIN LATERAL (
      SELECT d."id", d."organizationId", d."endpointId", d."eventId", d."nextAttemptAt"
        FROM "WebhookDelivery" d
       WHERE d."organizationId" = o."id" AND ${ELIGIBLE}
         AND NOT EXISTS (
           SELECT 1 FROM "WebhookCircuit" c
            WHERE c."key" = d."endpointId"
              AND ((c."state" = 'open' AND c."probeAt" > $1::timestamp(3))
                OR (c."state" = 'half_open' AND c."probeLeaseUntil" > $1::timestamp(3))))
         AND NOT EXISTS (SELECT 1 FROM "WebhookEndpoint" b WHERE b."id" = d."endpointId" AND b."signingBlockedAt" IS NOT NULL)
         -- Endpoints already at their limit are left out BEFORE the window is cut, so a
         -- stalled endpoint's older backlog cannot fill it and starve the others.
         AND NOT EXISTS (SELECT 1 FROM in_flight i WHERE i."endpointId" = d."endpointId" AND i."count" >= $3)
       ORDER BY d."nextAttemptAt"
       LIMIT least($2, w."perOrganization", $6 - o."inFlight")
       FOR UPDATE OF d SKIP LOCKED
    ) c
 ), by_endpoint AS (
   SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c."endpointId" ORDER BY c."nextAttemptAt") + COALESCE(i."count", 0) AS "endpointLoad"
     FROM candidates c LEFT JOIN in_flight i ON i."endpointId" = c."endpointId"
 ), by_organization AS (
   -- The fair share: what the organization would have in flight with this row leased.
   SELECT b.*, ROW_NUMBER() OVER (PARTITION BY b."organizationId" ORDER BY b."nextAttemptAt") + b."orgInFlight" AS "share"
     FROM by_endpoint b WHERE b."endpointLoad" <= $3
 ), chosen AS (
   SELECT "id", "endpointId", "eventId" FROM by_organization ORDER BY "share", "nextAttemptAt" LIMIT $2
 )
 UPDATE "WebhookDelivery" d
    SET "leaseOwner" = $4, "leaseExpiresAt" = $5::timestamp(3)
   FROM chosen
   JOIN "WebhookEndpoint" e ON e."id" = chosen."endpointId"
   JOIN "WebhookEvent" v ON v."id" = chosen."eventId"
   LEFT JOIN "WebhookCircuit" c ON c."key" = chosen."endpointId"
  WHERE d."id" = chosen."id"
 RETURNING ${LEASED_COLUMNS}`);
