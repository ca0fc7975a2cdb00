import os from "node:os";
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";
import { outcomeCaseSql } from "@/lib/webhooks/outcomes";

/** One process's metrics as prom-client JSON (`registry.getMetricsAsJSON()`). */
export type MetricsSnapshot = Awaited<ReturnType<Registry["getMetricsAsJSON"]>>;

/**
 * Per-process Prometheus metrics (prom-client), every series labelled with
 * `process`. Worker processes publish theirs through the WorkerHeartbeat table
 * so whichever web process is scraped can serve every process's numbers.
 */
function create() {
  const processId = `${os.hostname()}:${process.pid}`;
  const registry = new Registry();
  registry.setDefaultLabels({ process: processId });
  // The runtime's own numbers beside ours (CPU, memory, event-loop lag, GC, handles), read at each scrape.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    processId,
    registry,
    attempts: new Counter({
      name: "webhook_attempts_total",
      help: "Delivery attempts by outcome (success, retry, give_up, disable), HTTP status class and trigger",
      labelNames: ["outcome", "status_class", "trigger"] as const,
      registers,
    }),
    deliveries: new Counter({
      name: "webhook_deliveries_finished_total",
      help: "Deliveries that reached a final state, by outcome (delivered, failed)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    attemptDuration: new Histogram({
      name: "webhook_attempt_duration_seconds",
      help: "Time from sending an attempt to its outcome",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    deliveryLatency: new Histogram({
      name: "webhook_delivery_latency_seconds",
      help: "Time from enqueue to delivered",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800, 7200, 36000, 86400],
      registers,
    }),
    inFlight: new Gauge({ name: "webhook_worker_in_flight", help: "Attempts in flight in this process", registers }),
    rateLimited: new Counter({
      name: "webhook_rate_limited_total",
      help: "Attempts that met their endpoint's rate limit: waited for a start (waited), or went back to the queue without using an attempt (requeued)",
      labelNames: ["result"] as const,
      registers,
    }),
  };
}

const holder = globalThis as typeof globalThis & { __webhookTelemetry?: ReturnType<typeof create> };
export function telemetry() {
  holder.__webhookTelemetry ??= create();
  return holder.__webhookTelemetry;
}

export function statusClass(statusCode: number | undefined): string {
  return statusCode === undefined ? "none" : `${Math.floor(statusCode / 100)}xx`;
}

export function recordAttemptMetrics(input: {
  outcome: string;
  statusCode?: number;
  trigger: string;
  durationMs: number;
  finalStatus: string;
  enqueueToDeliveredMs?: number;
}): void {
  const t = telemetry();
  t.attempts.inc({ outcome: input.outcome, status_class: statusClass(input.statusCode), trigger: input.trigger });
  t.attemptDuration.observe(input.durationMs / 1000);
  if (input.finalStatus === "delivered" || input.finalStatus === "failed") t.deliveries.inc({ outcome: input.finalStatus });
  if (input.enqueueToDeliveredMs !== undefined) t.deliveryLatency.observe(input.enqueueToDeliveredMs / 1000);
}

/** This process's metrics as JSON (what a worker stores in its heartbeat). */
export async function processMetricsJson(): Promise<MetricsSnapshot> {
  return telemetry().registry.getMetricsAsJSON();
}

/** Prometheus text for several processes' JSON snapshots (their `process` labels keep them apart). */
export async function renderProcesses(snapshots: MetricsSnapshot[]): Promise<string> {
  if (snapshots.length === 0) return "";
  return AggregatorRegistry.aggregate(snapshots).metrics();
}

/** A worker whose heartbeat is older than this is considered gone. */
export const WORKER_STALE_SECONDS = 60;

/**
 * The whole Prometheus exposition: every live process's own series (this one
 * plus the heartbeats of the others, each labelled `process`) followed by the
 * numbers that live in the database, read now: backlog, oldest pending age,
 * how long the most overdue due delivery has waited, open circuits, disabled
 * endpoints, live workers.
 */
export async function renderPrometheus(options: { prisma?: DbClient; now?: () => Date } = {}): Promise<string> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now?.() ?? new Date();
  const self = telemetry().processId;
  const beats = await db.workerHeartbeat.findMany({ where: { lastSeenAt: { gte: new Date(now.getTime() - WORKER_STALE_SECONDS * 1000) } } });
  const snapshots: MetricsSnapshot[] = [await processMetricsJson()];
  for (const beat of beats) if (beat.workerId !== self) snapshots.push(beat.counters as unknown as MetricsSnapshot);

  const [row] = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT
       (SELECT count(*)::int FROM "WebhookDelivery" WHERE "status" = 'pending') AS "pending",
       (SELECT count(*)::int FROM "WebhookDelivery" WHERE "status" = 'pending' AND "nextAttemptAt" <= $1::timestamp(3)) AS "due",
       (SELECT min("createdAt") FROM "WebhookDelivery" WHERE "status" = 'pending') AS "oldest",
       -- Due and not held (an open circuit or an unopenable secret holds a delivery on purpose): what workers owe.
       (SELECT min(d."nextAttemptAt") FROM "WebhookDelivery" d
          JOIN "WebhookEndpoint" e ON e."id" = d."endpointId" LEFT JOIN "WebhookCircuit" c ON c."key" = d."endpointId"
         WHERE d."status" = 'pending' AND d."nextAttemptAt" <= $1::timestamp(3) AND ${outcomeCaseSql("d", "e", "c")} <> 'held') AS "overdueSince",
       (SELECT count(*)::int FROM "WebhookCircuit" WHERE "state" <> 'closed') AS "openCircuits",
       (SELECT count(*)::int FROM "WebhookEndpoint" WHERE "status" = 'disabled') AS "disabled",
       (SELECT count(*)::int FROM "WebhookAlert" WHERE "resolvedAt" IS NULL) AS "alerts"`,
    now.toISOString(),
  );
  const registry = new Registry();
  const gauge = (name: string, help: string, value: number) => new Gauge({ name, help, registers: [registry] }).set(value);
  gauge("webhook_backlog_deliveries", "Deliveries waiting for an attempt (all, including retries scheduled later)", Number(row?.pending ?? 0));
  gauge("webhook_backlog_due_deliveries", "Pending deliveries whose next attempt is due now", Number(row?.due ?? 0));
  const oldest = row?.oldest as Date | null | undefined;
  gauge("webhook_oldest_pending_age_seconds", "Age of the oldest pending delivery", oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0);
  const overdueSince = row?.overdueSince as Date | null | undefined;
  gauge(
    "webhook_oldest_due_wait_seconds",
    "How long the most overdue delivery that is due and not held has waited past its time: workers down or behind",
    overdueSince ? Math.max(0, (now.getTime() - overdueSince.getTime()) / 1000) : 0,
  );
  gauge("webhook_open_circuits", "Endpoints whose circuit breaker is open or half-open", Number(row?.openCircuits ?? 0));
  gauge("webhook_disabled_endpoints", "Disabled endpoints", Number(row?.disabled ?? 0));
  gauge("webhook_open_alerts", "Alerts currently open", Number(row?.alerts ?? 0));
  gauge("webhook_workers", "Worker processes with a recent heartbeat", beats.length);

  return `${await renderProcesses(snapshots)}\n${await registry.metrics()}`;
}

export const PROMETHEUS_CONTENT_TYPE = new Registry().contentType;
