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
