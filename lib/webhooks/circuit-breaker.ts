import { prisma as sharedPrisma } from "@/lib/db";
import { sqlTime, type DbClient } from "@/lib/database/db-types";

/** Consecutive failed attempts that open an endpoint's circuit. */
export const CIRCUIT_OPEN_AFTER_FAILURES = 5;
/** First wait before a half-open probe; doubles with each failed probe, up to the cap. */
export const CIRCUIT_COOLDOWN_SECONDS = 60;
export const CIRCUIT_MAX_COOLDOWN_SECONDS = 60 * 60;
/** How long one probe holds the half-open circuit; longer than an attempt's deadline. */
export const CIRCUIT_PROBE_LEASE_SECONDS = 120;

export type CircuitStateName = "closed" | "open" | "half_open";

export interface CircuitBreakerOptions {
  prisma?: DbClient;
  now?: () => Date;
  openAfterFailures?: number;
  cooldownSeconds?: number;
  maxCooldownSeconds?: number;
  probeLeaseSeconds?: number;
}

export interface CircuitStatus {
  state: CircuitStateName;
  consecutiveFailures: number;
  openedAt: Date | null;
  probeAt: Date | null;
}

/**
 * A circuit breaker per key (an endpoint id) whose state lives in the database,
 * so every worker process shares it; no timers — time is compared on each call.
 *
 * closed → (N consecutive failures) → open → (cooldown) → half_open: exactly one
 * caller gets `isOpen() === false` and sends a probe → success closes it, failure
 * re-opens it with a longer cooldown.
 */
export class WebhookCircuitBreaker {
  private readonly db: DbClient;
  private readonly now: () => Date;
  private readonly threshold: number;
  private readonly cooldownSeconds: number;
  private readonly maxCooldownSeconds: number;
  private readonly probeLeaseSeconds: number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.db = options.prisma ?? sharedPrisma;
    this.now = options.now ?? (() => new Date());
    this.threshold = options.openAfterFailures ?? CIRCUIT_OPEN_AFTER_FAILURES;
    this.cooldownSeconds = options.cooldownSeconds ?? CIRCUIT_COOLDOWN_SECONDS;
    this.maxCooldownSeconds = options.maxCooldownSeconds ?? CIRCUIT_MAX_COOLDOWN_SECONDS;
    this.probeLeaseSeconds = options.probeLeaseSeconds ?? CIRCUIT_PROBE_LEASE_SECONDS;
  }

  /**
   * True when a request for `key` must not go out now. When the cooldown has
   * passed, one caller atomically takes the half-open probe and gets `false`.
   */
  async isOpen(key: string): Promise<boolean> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + this.probeLeaseSeconds * 1000);
    const probe = await this.db.$queryRawUnsafe<{ key: string }[]>(
      `UPDATE "WebhookCircuit"
          SET "state" = 'half_open', "probeLeaseUntil" = $2::timestamp(3), "updatedAt" = $3::timestamp(3)
        WHERE "key" = $1
          AND (("state" = 'open' AND "probeAt" <= $3::timestamp(3))
            OR ("state" = 'half_open' AND "probeLeaseUntil" <= $3::timestamp(3)))
        RETURNING "key"`,
      key,
      sqlTime(leaseUntil),
      sqlTime(now),
    );
    if (probe.length > 0) return false;
    const status = await this.status(key);
    return status.state !== "closed";
  }

  /** Counts a failed attempt; opens (or re-opens) the circuit when due. Returns the new state. */
  async recordFailure(key: string): Promise<CircuitStateName> {
    const now = this.now();
    const current = await this.status(key);
    // The cooldown grows with every failure past the threshold (each failed probe).
    const beyond = Math.max(0, current.consecutiveFailures + 1 - this.threshold);
    const cooldown = Math.min(this.cooldownSeconds * 2 ** Math.min(beyond, 20), this.maxCooldownSeconds);
    const probeAt = new Date(now.getTime() + cooldown * 1000);
    const rows = await this.db.$queryRawUnsafe<{ state: CircuitStateName }[]>(
      `INSERT INTO "WebhookCircuit" ("key", "state", "consecutiveFailures", "openedAt", "probeAt", "updatedAt")
       VALUES ($1, CASE WHEN $2 THEN 'open' ELSE 'closed' END::"CircuitState", 1,
               CASE WHEN $2 THEN $3::timestamp(3) END, CASE WHEN $2 THEN $4::timestamp(3) END, $3::timestamp(3))
       ON CONFLICT ("key") DO UPDATE SET
         "consecutiveFailures" = "WebhookCircuit"."consecutiveFailures" + 1,
         "state" = CASE
           WHEN "WebhookCircuit"."state" = 'half_open' THEN 'open'
           WHEN "WebhookCircuit"."state" = 'closed' AND "WebhookCircuit"."consecutiveFailures" + 1 >= $5 THEN 'open'
           ELSE "WebhookCircuit"."state" END::"CircuitState",
         "openedAt" = CASE
           WHEN "WebhookCircuit"."state" = 'closed' AND "WebhookCircuit"."consecutiveFailures" + 1 >= $5 THEN $3::timestamp(3)
           ELSE "WebhookCircuit"."openedAt" END,
         "probeAt" = CASE
           WHEN "WebhookCircuit"."state" = 'half_open'
             OR ("WebhookCircuit"."state" = 'closed' AND "WebhookCircuit"."consecutiveFailures" + 1 >= $5) THEN $4::timestamp(3)
           ELSE "WebhookCircuit"."probeAt" END,
         "probeLeaseUntil" = NULL,
         "updatedAt" = $3::timestamp(3)
       RETURNING "state"`,
      key,
      this.threshold <= 1, // a first failure opens only a threshold-1 breaker
      sqlTime(now),
      sqlTime(probeAt),
      this.threshold,
    );
    return rows[0]!.state;
  }

  /** A successful attempt closes the circuit and resets the count. */
  async recordSuccess(key: string): Promise<void> {
    await this.db.$executeRawUnsafe(
      `UPDATE "WebhookCircuit"
          SET "state" = 'closed', "consecutiveFailures" = 0, "openedAt" = NULL, "probeAt" = NULL,
              "probeLeaseUntil" = NULL, "updatedAt" = $2::timestamp(3)
        WHERE "key" = $1 AND ("state" <> 'closed' OR "consecutiveFailures" <> 0)`,
      key,
      sqlTime(this.now()),
    );
  }

  async status(key: string): Promise<CircuitStatus> {
    const rows = await this.db.$queryRawUnsafe<CircuitStatus[]>(
      `SELECT "state"::text AS "state", "consecutiveFailures", "openedAt", "probeAt" FROM "WebhookCircuit" WHERE "key" = $1`,
      key,
    );
    return rows[0] ?? { state: "closed", consecutiveFailures: 0, openedAt: null, probeAt: null };
  }
}
