import { randomBytes } from "node:crypto";
import os from "node:os";
import type { LookupFunction } from "node:net";
import { getDatabase, prisma as sharedPrisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { WebhookCircuitBreaker } from "@/lib/webhooks/circuit-breaker";
import type { DbClient } from "@/lib/database/db-types";
import { attemptDelivery, type AttemptResult } from "@/lib/webhooks/attempt";
import { claimLeases, type LoadedDelivery } from "@/lib/webhooks/claim";
import { batchedRecorder } from "@/lib/webhooks/record";
import type { KeyRing } from "@/lib/webhooks/secrets";
import { DELIVERY_CHANNEL, deliverySignal } from "@/lib/webhooks/enqueue";
import { offerLocalSlots } from "@/lib/webhooks/local-handoff";
import { repairParkedHeads } from "@/lib/webhooks/ordering";
import { processMetricsJson, telemetry } from "@/lib/webhooks/telemetry";
import { tracedClaim } from "@/lib/webhooks/tracing";

/** How often a worker publishes its metrics and in-flight count to the database. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** Extra lease time beyond an attempt's deadline, for recording the result. */
export const LEASE_MARGIN_SECONDS = 30;
/** How often an idle worker looks for due retries when nothing wakes it. */
export const POLL_INTERVAL_MS = 1_000;
/** How often a worker sweeps for ordered queues whose head was left parked (ordering.ts; a safety net). */
export const PARKED_HEADS_SWEEP_MS = 30_000;
/** Longest back-off after database errors (e.g. PostgreSQL restarting). */
export const MAX_ERROR_BACKOFF_MS = 30_000;

export interface DeliveryEngineOptions {
  prisma?: DbClient;
  /** Identifies this worker's leases; unique per process by default. */
  workerId?: string;
  now?: () => Date;
  lookup?: LookupFunction;
  timeoutMs?: number;
  schedule?: readonly number[];
  random?: () => number;
  /** Deliveries in flight to one endpoint across all workers (soft limit). */
  endpointConcurrency?: number;
  /** Deliveries in flight for one organization across all workers (soft limit); 0: no cap. */
  organizationConcurrency?: number;
  leaseSeconds?: number;
  /** Opens endpoint secrets; default the process's key ring. */
  keyRing?: KeyRing;
}

function defaults(options: DeliveryEngineOptions) {
  const env = getEnv();
  const timeoutMs = options.timeoutMs ?? env.webhookTimeoutMs;
  const prisma = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  return {
    prisma,
    now,
    workerId: options.workerId ?? defaultWorkerId(),
    timeoutMs,
    lookup: options.lookup,
    schedule: options.schedule ?? env.webhookRetrySchedule,
    random: options.random,
    endpointConcurrency: options.endpointConcurrency ?? env.endpointConcurrency,
    organizationConcurrency: options.organizationConcurrency ?? env.organizationConcurrency,
    leaseSeconds: options.leaseSeconds ?? Math.ceil(timeoutMs / 1000) + LEASE_MARGIN_SECONDS,
    keyRing: options.keyRing,
    breaker: new WebhookCircuitBreaker({ prisma, now }),
  };
}

let processWorkerId: string | undefined;
function defaultWorkerId(): string {
  processWorkerId ??= `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  return processWorkerId;
}

/**
 * Leases up to `limit` due deliveries for this worker, fairly between
 * organizations and within the endpoint and organization caps (see
 * {@link claimLeases}). A claim that leased something is traced as one `webhook.claim` span.
 */
export function claimDueDeliveries(limit: number, options: DeliveryEngineOptions = {}): Promise<LoadedDelivery[]> {
  const config = defaults(options);
  return tracedClaim({ limit, workerId: config.workerId }, () =>
    claimLeases(config.prisma, {
      limit,
      now: config.now(),
      workerId: config.workerId,
      leaseSeconds: config.leaseSeconds,
      endpointConcurrency: config.endpointConcurrency,
      organizationConcurrency: config.organizationConcurrency,
    }),
  );
}

/**
 * Claims due deliveries, attempts them concurrently, records each result.
 * Returns how many were attempted (sent or found undeliverable); deliveries
 * deferred by an open circuit are not counted. The worker loop uses the same
 * pieces; tests call this to drive deliveries step by step.
 */
export async function processDueDeliveries(options: { limit?: number } & DeliveryEngineOptions = {}): Promise<number> {
  const config = defaults(options);
  const claimed = await claimDueDeliveries(options.limit ?? getEnv().workerConcurrency, { ...options, workerId: config.workerId });
  const results = await Promise.all(claimed.map((lease) => attemptDelivery(lease, config)));
  return results.filter((result) => result.kind === "attempted" || result.kind === "cancelled").length;
}

export interface WorkerOptions extends DeliveryEngineOptions {
  /** Attempts in flight in this process. */
  concurrency?: number;
  pollIntervalMs?: number;
  /** Subscribe to cross-process wake-ups (LISTEN); default true. */
  listen?: boolean;
  heartbeatIntervalMs?: number;
}

export interface WorkerUsage {
  slots: number;
  uptimeMs: number;
  /** Slot time spent on attempts, summed over slots. */
  busySlotMs: number;
  /** Busy slot time ÷ (slots × uptime): 1 means every slot was always in use. */
  slotUtilisation: number;
  claims: number;
  /** Claims that returned nothing. */
  emptyClaims: number;
  claimMsTotal: number;
  /** Deliveries that came through a claim, and straight from this process's producers. */
  claimed: number;
  handedOver: number;
}

export interface WorkerHandle {
  readonly workerId: string;
  /** Attempts in flight right now. */
  inFlight(): number;
  /** Attempts finished since start, by result kind. */
  stats(): Record<AttemptResult["kind"] | "errors", number>;
  /** How busy the slots were and what the claim cost, since start (logged when the worker stops). */
  usage(): WorkerUsage;
  /** Stops claiming, waits for in-flight attempts to finish, then resolves. */
  stop(): Promise<void>;
}

/**
 * Runs the delivery loop until stopped: keeps up to `concurrency` attempts in
 * flight, claims more as slots free up, wakes at once on a new event (same
 * process: an in-process signal; other processes: LISTEN/NOTIFY) and otherwise
 * polls for due retries. Database errors back off exponentially and never stop
 * the loop.
 */
export function startWorker(options: WorkerOptions = {}): WorkerHandle {
  const config = defaults(options);
  const concurrency = options.concurrency ?? getEnv().workerConcurrency;
  const pollIntervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
  const engine = { ...options, workerId: config.workerId };
  const stats = { attempted: 0, deferred: 0, rate_limited: 0, cancelled: 0, lease_lost: 0, blocked: 0, errors: 0 };
  const inFlight = new Set<Promise<void>>();
  const usage = { claims: 0, emptyClaims: 0, claimMsTotal: 0, claimed: 0, handedOver: 0, busySlotMs: 0 };
  const startedAtMs = performance.now();
  let running = true;
  let wake: (() => void) | undefined;
  // Remembers a wake-up that arrived while the loop was busy claiming.
  let woken = false;
  const poke = () => {
    woken = true;
    wake?.();
  };

  const signal = deliverySignal();
  signal.on("due", poke);
  let unlisten: (() => Promise<void>) | undefined;
  if (options.listen !== false) {
    getDatabase()
      .listen(DELIVERY_CHANNEL, poke)
      .then((stop) => {
        if (running) unlisten = stop;
        else void stop();
      })
      .catch((error: unknown) => logger.warn({ err: error }, "LISTEN failed; falling back to polling"));
  }

  const startedAt = new Date();
  const heartbeat = async () => {
    const { processId } = telemetry();
    telemetry().inFlight.set(inFlight.size);
    const counters = JSON.parse(JSON.stringify(await processMetricsJson()));
    const now = new Date();
    await config.prisma.workerHeartbeat.upsert({
      where: { workerId: processId },
      create: { workerId: processId, startedAt, lastSeenAt: now, inFlight: inFlight.size, counters },
      update: { lastSeenAt: now, inFlight: inFlight.size, counters },
    });
  };
  const beat = () => void heartbeat().catch((error: unknown) => logger.debug({ err: error }, "heartbeat failed"));
  const heartbeatTimer = setInterval(beat, options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
  heartbeatTimer.unref();
  beat();
  const sweepTimer = setInterval(() => {
    void repairParkedHeads(config.prisma, config.now())
      .then((repaired) => {
        if (repaired > 0) poke();
      })
      .catch((error: unknown) => logger.debug({ err: error }, "sweeping for parked queue heads failed"));
  }, PARKED_HEADS_SWEEP_MS);
  sweepTimer.unref();

  // Group commit: attempts finishing together are written in one statement.
  const record = batchedRecorder(config.prisma);
  const attemptOptions = { ...config, record };
  // Refill in batches: claiming for every freed slot costs a claim query per attempt under load.
  const refillAt = Math.max(1, Math.floor(concurrency / 4));

  // This worker's own view of its load per endpoint and organization (reservations included), for the local hand-over.
  const endpointLoad = new Map<string, number>();
  const organizationLoad = new Map<string, number>();
  const adjust = (map: Map<string, number>, key: string, by: number) => {
    const next = (map.get(key) ?? 0) + by;
    if (next > 0) map.set(key, next);
    else map.delete(key);
  };
  const load = (delivery: { endpointId: string; organizationId: string }, by: number) => {
    adjust(endpointLoad, delivery.endpointId, by);
    adjust(organizationLoad, delivery.organizationId, by);
  };
  let reserved = 0;

  const launch = (delivery: LoadedDelivery) => {
    load(delivery, 1);
    const launchedAt = performance.now();
    const task = attemptDelivery(delivery, attemptOptions)
      .then((result) => {
        stats[result.kind]++;
      })
      .catch((error: unknown) => {
        stats.errors++;
        logger.error({ err: error, deliveryId: delivery.id }, "delivery attempt failed to record");
      })
      .finally(() => {
        inFlight.delete(task);
        load(delivery, -1);
        usage.busySlotMs += performance.now() - launchedAt;
        telemetry().inFlight.set(inFlight.size);
        // Wake the loop only when a batch worth of slots is free (or the backlog ran dry).
        if (concurrency - inFlight.size >= refillAt || inFlight.size === 0) wake?.();
      });
    inFlight.add(task);
    telemetry().inFlight.set(inFlight.size);
  };

  const loop = async () => {
    let backoffMs = 0;
    // True while the last claim filled every free slot: more work is probably due.
    let backlog = false;
    while (running) {
      woken = false;
      try {
        const free = concurrency - inFlight.size - reserved;
        if (free > 0) {
          const claimStarted = performance.now();
          const leases = await claimDueDeliveries(free, engine);
          usage.claims++;
          usage.claimMsTotal += performance.now() - claimStarted;
          usage.claimed += leases.length;
          if (leases.length === 0) usage.emptyClaims++;
          leases.forEach(launch);
          backlog = leases.length === free;
        }
        backoffMs = 0;
      } catch (error) {
        stats.errors++;
        backoffMs = Math.min(Math.max(backoffMs * 2, 500), MAX_ERROR_BACKOFF_MS);
        logger.warn({ err: error, backoffMs }, "claiming deliveries failed; backing off");
      }
      if (!running) break;
      // Claim again at once when new work was announced meanwhile, or when the
      // backlog continues and a batch of slots is free; otherwise sleep until woken.
      const free = concurrency - inFlight.size - reserved;
      if (backoffMs === 0 && ((woken && free > 0) || (backlog && free >= refillAt))) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffMs || pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  };
  const done = loop();

  // New deliveries enqueued in this process come straight to a free slot, leased in the enqueue statement.
  const withdrawSlots = offerLocalSlots({
    workerId: config.workerId,
    reserve(endpointId, organizationId) {
      if (!running || inFlight.size + reserved >= concurrency) return undefined;
      if ((endpointLoad.get(endpointId) ?? 0) >= config.endpointConcurrency) return undefined;
      if (config.organizationConcurrency > 0 && (organizationLoad.get(organizationId) ?? 0) >= config.organizationConcurrency) return undefined;
      reserved++;
      load({ endpointId, organizationId }, 1);
      return new Date(config.now().getTime() + config.leaseSeconds * 1000);
    },
    release(endpointId, organizationId) {
      reserved--;
      load({ endpointId, organizationId }, -1);
    },
    start(delivery) {
      usage.handedOver++;
      reserved--;
      load(delivery, -1);
      launch(delivery);
    },
  });

  return {
    workerId: config.workerId,
    inFlight: () => inFlight.size,
    stats: () => ({ ...stats }),
    usage: () => {
      const uptimeMs = performance.now() - startedAtMs;
      return {
        slots: concurrency,
        uptimeMs: Math.round(uptimeMs),
        busySlotMs: Math.round(usage.busySlotMs),
        slotUtilisation: Math.round((usage.busySlotMs / (concurrency * uptimeMs)) * 1000) / 1000,
        claims: usage.claims,
        emptyClaims: usage.emptyClaims,
        claimMsTotal: Math.round(usage.claimMsTotal),
        claimed: usage.claimed,
        handedOver: usage.handedOver,
      };
    },
    async stop() {
      running = false;
      withdrawSlots();
      poke();
      signal.off("due", poke);
      clearInterval(heartbeatTimer);
      clearInterval(sweepTimer);
      await done;
      // A hand-over reserved before stop() whose enqueue is still committing: let it start, then wait for it.
      while (reserved > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await Promise.allSettled([...inFlight]);
      await unlisten?.();
      await config.prisma.workerHeartbeat.deleteMany({ where: { workerId: telemetry().processId } }).catch(() => {});
    },
  };
}
