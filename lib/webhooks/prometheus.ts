import { Gauge, Registry } from "prom-client";
import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/webhooks/db-types";
import { processMetricsJson, renderProcesses, telemetry, type MetricsSnapshot } from "@/lib/webhooks/telemetry";

/** A worker whose heartbeat is older than this is considered gone. */
export const WORKER_STALE_SECONDS = 60;

/**
 * The whole Prometheus exposition: every live process's own series (this one
 * plus the heartbeats of the others, each labelled `process`) followed by the
 * numbers that live in the database, read now: backlog, oldest pending age,
 * open circuits, disabled endpoints, live workers.
 */
export async function renderPrometheus(options: { prisma?: DbClient; now?: Date } = {}): Promise<string> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? new Date();
  const self = telemetry().processId;
  const beats = await db.workerHeartbeat.findMany({ where: { lastSeenAt: { gte: new Date(now.getTime() - WORKER_STALE_SECONDS * 1000) } } });
  const snapshots: MetricsSnapshot[] = [await processMetricsJson()];
  for (const beat of beats) if (beat.workerId !== self) snapshots.push(beat.counters as unknown as MetricsSnapshot);

  const [row] = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT
       (SELECT count(*)::int FROM "WebhookDelivery" WHERE "status" = 'pending') AS "pending",
       (SELECT count(*)::int FROM "WebhookDelivery" WHERE "status" = 'pending' AND "nextAttemptAt" <= $1::timestamp(3)) AS "due",
       (SELECT min("createdAt") FROM "WebhookDelivery" WHERE "status" = 'pending') AS "oldest",
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
  gauge("webhook_open_circuits", "Endpoints whose circuit breaker is open or half-open", Number(row?.openCircuits ?? 0));
  gauge("webhook_disabled_endpoints", "Disabled endpoints", Number(row?.disabled ?? 0));
  gauge("webhook_open_alerts", "Alerts currently open", Number(row?.alerts ?? 0));
  gauge("webhook_workers", "Worker processes with a recent heartbeat", beats.length);

  return `${await renderProcesses(snapshots)}\n${await registry.metrics()}`;
}

export const PROMETHEUS_CONTENT_TYPE = new Registry().contentType;
