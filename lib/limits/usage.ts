import { prisma as sharedPrisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { sqlTime, type DbClient } from "@/lib/database/db-types";

/** What one organization uses of its quotas right now, for the dashboard. */
export interface OrganizationUsage {
  endpoints: { count: number; limit: number; reached: boolean };
  /** Attempts in flight across every worker; `limit` null when there is no cap. */
  inFlight: { count: number; limit: number | null; reached: boolean };
  /** Deliveries due now and not yet taken by a worker. */
  waiting: number;
}

/** Counts an organization's endpoints, attempts in flight and due deliveries, against the configured caps. */
export async function organizationUsage(options: { organizationId: string; prisma?: DbClient; now?: () => Date }): Promise<OrganizationUsage> {
  const db = options.prisma ?? sharedPrisma;
  const now = sqlTime(options.now?.() ?? new Date());
  const [row] = await db.$queryRawUnsafe<{ endpoints: number; inFlight: number; waiting: number }[]>(
    `SELECT (SELECT count(*)::int FROM "WebhookEndpoint" WHERE "organizationId" = $1) AS "endpoints",
            (SELECT count(*)::int FROM "WebhookDelivery"
              WHERE "organizationId" = $1 AND "status" = 'pending' AND "leaseExpiresAt" > $2::timestamp(3)) AS "inFlight",
            (SELECT count(*)::int FROM "WebhookDelivery"
              WHERE "organizationId" = $1 AND "status" = 'pending' AND "nextAttemptAt" <= $2::timestamp(3)
                AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" <= $2::timestamp(3))) AS "waiting"`,
    options.organizationId,
    now,
  );
  const env = getEnv();
  const inFlightLimit = env.organizationConcurrency || null;
  return {
    endpoints: { count: row!.endpoints, limit: env.maxEndpointsPerOrganization, reached: row!.endpoints >= env.maxEndpointsPerOrganization },
    inFlight: { count: row!.inFlight, limit: inFlightLimit, reached: inFlightLimit !== null && row!.inFlight >= inFlightLimit },
    waiting: row!.waiting,
  };
}
