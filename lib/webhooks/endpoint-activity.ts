import { prisma as sharedPrisma } from "@/lib/db";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { type DeliveryOutcome, type EndpointHealth, endpointHealth, outcomeCaseSql, outcomeCountColumns, type OutcomeCounts, readOutcomeCounts } from "@/lib/webhooks/outcomes";

/** The window of an endpoint's success rate on its row and page. */
export const ENDPOINT_ACTIVITY_WINDOW_SECONDS = 24 * 60 * 60;

/** What the endpoints table and an endpoint's page say about how it is doing. */
export interface EndpointActivity {
  /** Active · Failing · Circuit open until … · Disabled — reason · Cannot sign. */
  health: EndpointHealth;
  lastDeliveryAt: Date | null;
  /** The last delivery's derived outcome (held and retrying apart from pending). */
  lastOutcome: DeliveryOutcome | null;
  /** The latest success we know of: the endpoint's own mark or its latest delivered delivery, whichever is later. */
  lastSuccessAt: Date | null;
  /** Deliveries created in the last 24 h, by outcome, with the success rate over them. */
  last24h: OutcomeCounts;
  /** Same as `last24h.successRate` (kept for the endpoints API). */
  successRate24h: number | null;
  total24h: number;
  delivered24h: number;
}

/**
 * Health, last delivery and 24 h counts for each endpoint of an organization (or only
 * `endpointIds`), in one query over the endpoints, their circuits and their deliveries,
 * with the definitions of lib/webhooks/outcomes.ts.
 */
export async function endpointActivity(options: {
  organizationId: string;
  endpointIds?: readonly string[];
  now?: () => Date;
  prisma?: DbClient;
}): Promise<Map<string, EndpointActivity>> {
  const db = options.prisma ?? sharedPrisma;
  const since = new Date((options.now?.() ?? new Date()).getTime() - ENDPOINT_ACTIVITY_WINDOW_SECONDS * 1000);
  const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `WITH activity AS (
       SELECT d."endpointId",
              max(d."createdAt") AS "lastDeliveryAt",
              max(d."deliveredAt") AS "lastDeliveredAt",
              (array_agg(${outcomeCaseSql("d", "e", "c")} ORDER BY d."createdAt" DESC, d."id" DESC))[1] AS "lastOutcome",
              ${outcomeCountColumns("d", { where: `d."createdAt" >= $2::timestamp(3)` })}
         FROM "WebhookDelivery" d
         JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
         LEFT JOIN "WebhookCircuit" c ON c."key" = d."endpointId"
        WHERE d."organizationId" = $1 AND ($3::text[] IS NULL OR d."endpointId" = ANY($3::text[]))
        GROUP BY d."endpointId"
     )
     SELECT e."id", e."status"::text AS "status", e."disabledReason", e."signingBlockedAt", e."failingSince", e."lastSuccessAt",
            c."state"::text AS "circuitState", c."probeAt", a.*
       FROM "WebhookEndpoint" e
       LEFT JOIN "WebhookCircuit" c ON c."key" = e."id"
       LEFT JOIN activity a ON a."endpointId" = e."id"
      WHERE e."organizationId" = $1 AND ($3::text[] IS NULL OR e."id" = ANY($3::text[]))`,
    options.organizationId,
    sqlTime(since),
    options.endpointIds ? [...options.endpointIds] : null,
  );
  return new Map(
    rows.map((row) => {
      const last24h = readOutcomeCounts(row);
      const marked = row.lastSuccessAt as Date | null;
      const delivered = (row.lastDeliveredAt as Date | null) ?? null;
      const lastSuccessAt = !marked ? delivered : !delivered ? marked : marked > delivered ? marked : delivered;
      const circuit = row.circuitState ? { state: row.circuitState as "closed" | "open" | "half_open", probeAt: (row.probeAt as Date | null) ?? null } : null;
      const activity: EndpointActivity = {
        health: endpointHealth(
          {
            status: row.status as "active" | "disabled",
            disabledReason: row.disabledReason as string | null,
            signingBlockedAt: row.signingBlockedAt as Date | null,
            failingSince: row.failingSince as Date | null,
          },
          circuit,
        ),
        lastDeliveryAt: (row.lastDeliveryAt as Date | null) ?? null,
        lastOutcome: (row.lastOutcome as DeliveryOutcome | null) ?? null,
        lastSuccessAt,
        last24h,
        successRate24h: last24h.successRate,
        total24h: last24h.total,
        delivered24h: last24h.delivered,
      };
      return [String(row.id), activity];
    }),
  );
}
