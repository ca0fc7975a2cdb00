import os from "node:os";
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from "prom-client";

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
