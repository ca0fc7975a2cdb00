import { prisma as sharedPrisma } from "@/lib/db";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { getEnv } from "@/lib/env";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { mailAlertToManagers } from "@/lib/mail/alert-mail";
import { emitPlatformEvent } from "@/lib/webhooks/platform-events";
import { sendWebhook } from "@/lib/webhooks/send";
import { CERTIFICATE_WARNING_DAYS } from "@/lib/webhooks/diagnose-advice";
import { outcomeCaseSql, outcomeCountColumns, OUTCOME_PREDICATES, readOutcomeCounts } from "@/lib/webhooks/outcomes";

export type AlertKind = "failure_rate" | "backlog_age" | "endpoint_disabled" | "circuit_open" | "secret_undecryptable" | "certificate_expiring";

export interface AlertView {
  id: string;
  organizationId: string | null;
  kind: AlertKind;
  subject: string;
  severity: "warning" | "critical";
  message: string;
  openedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

/** Open alerts, newest first: one organization's, or every organization's when omitted (ops). */
export async function listOpenAlerts(options: { organizationId?: string; prisma?: DbClient; limit?: number } = {}): Promise<AlertView[]> {
  const rows = await (options.prisma ?? sharedPrisma).webhookAlert.findMany({
    where: { resolvedAt: null, ...(options.organizationId ? { organizationId: options.organizationId } : {}) },
    orderBy: { openedAt: "desc" },
    take: options.limit ?? 50,
  });
  return rows.map((row) => ({ ...row, kind: row.kind as AlertKind }));
}

/**
 * An organization's failure rate over the last hour above this (with enough attempted
 * deliveries) opens an alert. The failure rate is 100 % minus the success rate of
 * lib/webhooks/outcomes.ts: retrying and given up, of attempted.
 */
export const ALERT_FAILURE_RATE = 0.5;
export const ALERT_FAILURE_MIN_DELIVERIES = 10;
/** A due delivery still waiting this long means the workers are down or far behind. */
export const ALERT_BACKLOG_SECONDS = 30 * 60;
/** A circuit open this long is worth telling someone about. */
export const ALERT_CIRCUIT_OPEN_SECONDS = 60 * 60;
/** How often the health check runs (once across all workers). */
export const HEALTH_CHECK_INTERVAL_SECONDS = 15 * 60;
/** Postgres advisory lock key: one health check at a time across every process. */
const HEALTH_CHECK_LOCK = 5_770_001;

interface Condition {
  organizationId: string;
  kind: AlertKind;
  subject: string;
  severity: "warning" | "critical";
  message: string;
  /** Endpoints to tell the tenant about (operational events). */
  endpointIds?: string[];
}

export interface HealthCheckResult {
  /** False when another process held the lock, or the last run was too recent. */
  ran: boolean;
  opened: AlertView[];
  resolved: AlertView[];
  stillOpen: number;
}

export interface HealthCheckOptions {
  prisma?: typeof sharedPrisma;
  now?: () => Date;
  /** Run even if the last run was less than the interval ago (the CLI does). */
  force?: boolean;
  notify?: (change: { opened: AlertView[]; resolved: AlertView[] }) => Promise<void>;
}

async function findConditions(db: DbClient, now: Date): Promise<Condition[]> {
  const hourAgo = sqlTime(new Date(now.getTime() - 3_600_000));
  const conditions: Condition[] = [];

  const rates = await db.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT d."organizationId", ${outcomeCountColumns("d")}
       FROM "WebhookDelivery" d
      WHERE d."createdAt" >= $1::timestamp(3) AND d."createdAt" <= $2::timestamp(3)
      GROUP BY d."organizationId"`,
    hourAgo,
    sqlTime(now),
  );
  const notDelivered = `(${OUTCOME_PREDICATES.failed("d")} OR ${OUTCOME_PREDICATES.failing("d")})`;
  for (const row of rates) {
    const organizationId = String(row.organizationId);
    const counts = readOutcomeCounts(row);
    const share = counts.attempted === 0 ? 0 : (counts.failing + counts.failed) / counts.attempted;
    if (counts.attempted >= ALERT_FAILURE_MIN_DELIVERIES && share > ALERT_FAILURE_RATE) {
      const failingEndpoints = await db.$queryRawUnsafe<{ endpointId: string }[]>(
        `SELECT d."endpointId" FROM "WebhookDelivery" d
          WHERE d."organizationId" = $1 AND d."createdAt" >= $2::timestamp(3) AND d."createdAt" <= $3::timestamp(3) AND ${OUTCOME_PREDICATES.attempted("d")}
          GROUP BY d."endpointId"
         HAVING count(*) FILTER (WHERE ${notDelivered}) * 2 > count(*)`,
        organizationId,
        hourAgo,
        sqlTime(now),
      );
      const failurePercent = Math.round(100 - (counts.successRate ?? 100));
      conditions.push({
        organizationId,
        kind: "failure_rate",
        subject: organizationId,
        severity: share >= 0.9 ? "critical" : "warning",
        message: `${failurePercent} % of ${counts.attempted} attempted deliveries in the last hour were not delivered (${counts.failing} retrying, ${counts.failed} gave up)`,
        endpointIds: failingEndpoints.map((row) => row.endpointId),
      });
    }
  }

  // Held deliveries (lib/webhooks/outcomes.ts) are not a worker backlog: their endpoint's circuit is open
  // (circuit_open covers it) or its secret cannot be opened (secret_undecryptable covers it).
  const backlog = await db.$queryRawUnsafe<{ organizationId: string; overdue: Date; count: number }[]>(
    `SELECT d."organizationId", min(d."nextAttemptAt") AS "overdue", count(*)::int AS "count"
       FROM "WebhookDelivery" d
       JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
       LEFT JOIN "WebhookCircuit" c ON c."key" = d."endpointId"
      WHERE d."status" = 'pending' AND d."nextAttemptAt" <= $1::timestamp(3)
        AND ${outcomeCaseSql("d", "e", "c")} <> 'held'
      GROUP BY d."organizationId"`,
    sqlTime(new Date(now.getTime() - ALERT_BACKLOG_SECONDS * 1000)),
  );
  for (const row of backlog) {
    const minutes = Math.floor((now.getTime() - new Date(row.overdue).getTime()) / 60_000);
    conditions.push({
      organizationId: row.organizationId,
      kind: "backlog_age",
      subject: row.organizationId,
      severity: minutes >= 120 ? "critical" : "warning",
      message: `${row.count} due deliveries are waiting; the oldest has waited ${minutes} minutes`,
    });
  }

  const disabled = await db.webhookEndpoint.findMany({ where: { status: "disabled", disabledAt: { not: null }, kind: "http" }, select: { id: true, organizationId: true, url: true, disabledReason: true } });
  for (const endpoint of disabled) {
    conditions.push({
      organizationId: endpoint.organizationId,
      kind: "endpoint_disabled",
      subject: endpoint.id,
      severity: "warning",
      message: `Endpoint ${hostOf(endpoint.url)} is disabled: ${endpoint.disabledReason ?? "no reason recorded"}`,
      endpointIds: [endpoint.id],
    });
  }

  const circuits = await db.$queryRawUnsafe<{ endpointId: string; organizationId: string; url: string; openedAt: Date }[]>(
    `SELECT e."id" AS "endpointId", e."organizationId", e."url", c."openedAt"
       FROM "WebhookCircuit" c JOIN "WebhookEndpoint" e ON e."id" = c."key"
      WHERE c."state" <> 'closed' AND c."openedAt" <= $1::timestamp(3) AND e."status" = 'active'`,
    sqlTime(new Date(now.getTime() - ALERT_CIRCUIT_OPEN_SECONDS * 1000)),
  );
  for (const circuit of circuits) {
    conditions.push({
      organizationId: circuit.organizationId,
      kind: "circuit_open",
      subject: circuit.endpointId,
      severity: "warning",
      message: `Deliveries to ${hostOf(circuit.url)} have been paused since ${new Date(circuit.openedAt).toISOString()} after repeated failures`,
      endpointIds: [circuit.endpointId],
    });
  }

  // An ops problem (a key missing from WEBHOOK_ENCRYPTION_KEYS), so no operational event to the tenant.
  const unsignable = await db.$queryRawUnsafe<{ endpointId: string; organizationId: string; url: string; keyId: string | null; waiting: number }[]>(
    `SELECT e."id" AS "endpointId", e."organizationId", e."url", e."signingBlockedKeyId" AS "keyId",
            (SELECT count(*)::int FROM "WebhookDelivery" d WHERE d."endpointId" = e."id" AND d."status" = 'pending') AS "waiting"
       FROM "WebhookEndpoint" e
      WHERE e."signingBlockedAt" IS NOT NULL AND e."status" = 'active'`,
  );
  for (const endpoint of unsignable) {
    conditions.push({
      organizationId: endpoint.organizationId,
      kind: "secret_undecryptable",
      subject: endpoint.endpointId,
      severity: "critical",
      message:
        `Deliveries to ${hostOf(endpoint.url)} are on hold (${endpoint.waiting} waiting): no key in WEBHOOK_ENCRYPTION_KEYS opens its signing secret` +
        (endpoint.keyId ? ` (encrypted with key "${endpoint.keyId}"); restore that key` : ""),
    });
  }
  // Read by Diagnose and the daily certificate check (certificate-check.ts); renewed certificates clear it there.
  const certificates = await db.$queryRawUnsafe<{ endpointId: string; organizationId: string; url: string; expiresAt: Date }[]>(
    `SELECT e."id" AS "endpointId", e."organizationId", e."url", e."tlsCertificateExpiresAt" AS "expiresAt"
       FROM "WebhookEndpoint" e
      WHERE e."status" = 'active' AND e."url" LIKE 'https://%' AND e."tlsCertificateExpiresAt" <= $1::timestamp(3)`,
    sqlTime(new Date(now.getTime() + CERTIFICATE_WARNING_DAYS * 86_400_000)),
  );
  for (const endpoint of certificates) {
    const expiresAt = new Date(endpoint.expiresAt);
    const days = Math.floor((expiresAt.getTime() - now.getTime()) / 86_400_000);
    const expired = expiresAt.getTime() <= now.getTime();
    conditions.push({
      organizationId: endpoint.organizationId,
      kind: "certificate_expiring",
      subject: endpoint.endpointId,
      severity: days < 3 ? "critical" : "warning",
      message: expired
        ? `The TLS certificate of ${hostOf(endpoint.url)} expired on ${expiresAt.toISOString()}: every delivery to it fails until it is renewed`
        : `The TLS certificate of ${hostOf(endpoint.url)} expires on ${expiresAt.toISOString()} (in ${days === 1 ? "1 day" : `${days} days`}): renew it before then, or deliveries to it will fail`,
      endpointIds: [endpoint.endpointId],
    });
  }
  return conditions;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an endpoint";
  }
}

/**
 * Evaluates every alert condition and reconciles the stored alerts: a new
 * condition opens an alert, a condition that still holds keeps its alert open
 * (no repeats), one that cleared is resolved. One run at a time across all
 * processes (a transaction-scoped advisory lock) and at most once per interval
 * unless forced. Notifications go out after the transaction commits.
 */
export async function checkWebhookHealth(options: HealthCheckOptions = {}): Promise<HealthCheckResult> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now?.() ?? new Date();
  const outcome = await db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1) AS "locked"`, HEALTH_CHECK_LOCK);
      if (!lock?.locked) return null;
      if (!options.force) {
        const last = await tx.scheduledJob.findUnique({ where: { name: "health-check" } });
        if (last && now.getTime() - last.lastRunAt.getTime() < HEALTH_CHECK_INTERVAL_SECONDS * 1000 - 5_000) return null;
      }
      const conditions = await findConditions(tx, now);
      const open = await tx.webhookAlert.findMany({ where: { resolvedAt: null } });
      const key = (kind: string, subject: string) => `${kind}\u0000${subject}`;
      const openByKey = new Map(open.map((alert) => [key(alert.kind, alert.subject), alert]));
      const seen = new Set<string>();
      const opened: AlertView[] = [];
      for (const condition of conditions) {
        const k = key(condition.kind, condition.subject);
        seen.add(k);
        const existing = openByKey.get(k);
        if (existing) {
          await tx.webhookAlert.update({ where: { id: existing.id }, data: { lastSeenAt: now, message: condition.message, severity: condition.severity } });
        } else {
          const row = await tx.webhookAlert.create({
            data: { id: newId("alert"), organizationId: condition.organizationId, kind: condition.kind, subject: condition.subject, severity: condition.severity, message: condition.message, openedAt: now, lastSeenAt: now },
          });
          opened.push({ ...row, kind: condition.kind, endpointIds: condition.endpointIds } as AlertView & { endpointIds?: string[] });
        }
      }
      const resolved: AlertView[] = [];
      for (const alert of open) {
        if (seen.has(key(alert.kind, alert.subject))) continue;
        const row = await tx.webhookAlert.update({ where: { id: alert.id }, data: { resolvedAt: now } });
        resolved.push({ ...row, kind: row.kind as AlertKind });
      }
      const result = { opened: opened.length, resolved: resolved.length, open: conditions.length };
      await tx.scheduledJob.upsert({ where: { name: "health-check" }, create: { name: "health-check", lastRunAt: now, lastResult: result }, update: { lastRunAt: now, lastResult: result } });
      return { opened, resolved, stillOpen: conditions.length - opened.length };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  if (!outcome) return { ran: false, opened: [], resolved: [], stillOpen: 0 };
  await (options.notify ?? notifyAlerts)({ opened: outcome.opened, resolved: outcome.resolved });
  return { ran: true, ...outcome };
}

const OPERATIONAL_EVENT: Partial<Record<AlertKind, string>> = {
  failure_rate: "endpoint.failing",
  endpoint_disabled: "endpoint.disabled",
  circuit_open: "endpoint.failing",
};

/**
 * Tells people about alert changes: a structured log line always; the ops
 * webhook (ALERT_WEBHOOK_URL, signed, through the guarded transport); and the
 * tenant, through operational events to its own subscribed endpoints and a
 * mail to its owners and admins (lib/mail/alert-mail.ts).
 */
export async function notifyAlerts(change: { opened: AlertView[]; resolved: AlertView[] }): Promise<void> {
  const env = getEnv();
  for (const alert of change.opened) logger.warn({ alertId: alert.id, organizationId: alert.organizationId, kind: alert.kind, severity: alert.severity }, `alert opened: ${alert.message}`);
  for (const alert of change.resolved) logger.info({ alertId: alert.id, organizationId: alert.organizationId, kind: alert.kind }, `alert resolved: ${alert.message}`);

  if (env.alertWebhookUrl && env.alertWebhookSecret && (change.opened.length || change.resolved.length)) {
    const payload = {
      event: "ops.alerts_changed",
      idempotencyKey: `alerts-${newId("msg")}`,
      timestamp: new Date().toISOString(),
      data: {
        opened: change.opened.map(publicAlert),
        resolved: change.resolved.map(publicAlert),
      },
    };
    const result = await sendWebhook(env.alertWebhookUrl, payload, env.alertWebhookSecret);
    if (!result.success) logger.error({ statusCode: result.statusCode, error: result.error }, "the ops alert webhook failed");
  }

  for (const alert of change.opened) {
    const event = OPERATIONAL_EVENT[alert.kind];
    const endpointIds = (alert as AlertView & { endpointIds?: string[] }).endpointIds ?? [];
    if (!event || !alert.organizationId) continue;
    for (const endpointId of endpointIds) {
      await emitPlatformEvent(alert.organizationId, event, `alert-${alert.id}-${endpointId}`, {
        endpointId,
        alertId: alert.id,
        severity: alert.severity,
        message: alert.message,
      }).catch((error: unknown) => logger.error({ err: error, alertId: alert.id }, "operational event failed"));
    }
    await mailAlertToManagers(alert).catch((error: unknown) => logger.error({ err: error, alertId: alert.id }, "alert mails failed"));
  }
}

function publicAlert(alert: AlertView) {
  return { id: alert.id, organizationId: alert.organizationId, kind: alert.kind, subject: alert.subject, severity: alert.severity, message: alert.message, openedAt: alert.openedAt, resolvedAt: alert.resolvedAt };
}
