import { displayUrl } from "@/lib/webhooks/endpoints";
import type { Prisma } from "@/generated/prisma/client";
import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";
import { WebhookNotFoundError, WebhookValidationError } from "@/lib/webhooks/errors";
import { DELIVERY_STATUSES, HISTORY_PAGE_MAX, type DeliveryStatusName } from "@/lib/webhooks/history-filters";
import { getEnv } from "@/lib/env";
import { deliveryState, type DeliveryState, type EndpointCondition, isHeld } from "@/lib/webhooks/outcomes";

export { DELIVERY_STATUSES, HISTORY_PAGE_MAX, type DeliveryStatusName };

export interface DeliveryFilters {
  organizationId: string;
  status?: DeliveryStatusName;
  eventType?: string;
  endpointId?: string;
  from?: Date;
  to?: Date;
  /** Matches idempotency keys containing this text (case-insensitive). */
  idempotencyKey?: string;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  limit?: number;
  prisma?: DbClient;
  /** For members: endpoint URLs as scheme and host only (they often carry tokens). */
  maskUrls?: boolean;
  /** Attempts the retry schedule allows in all; default the configured schedule's length. */
  attemptsAllowed?: number;
}

/** How many attempts the configured retry schedule allows in all. */
export function attemptsAllowed(): number {
  return getEnv().webhookRetrySchedule.length;
}

/**
 * What decides whether an organization's deliveries are held right now: each endpoint's
 * secret state and circuit (a handful of rows; only endpoints that have a circuit row or a
 * blocked secret are returned, every other endpoint is neither held nor open).
 */
export async function endpointConditions(db: DbClient, organizationId: string): Promise<Map<string, EndpointCondition>> {
  const rows = await db.$queryRawUnsafe<{ id: string; signingBlockedAt: Date | null; state: "closed" | "open" | "half_open" | null; probeAt: Date | null }[]>(
    `SELECT e."id", e."signingBlockedAt", c."state"::text AS "state", c."probeAt"
       FROM "WebhookEndpoint" e
       LEFT JOIN "WebhookCircuit" c ON c."key" = e."id"
      WHERE e."organizationId" = $1 AND (e."signingBlockedAt" IS NOT NULL OR c."key" IS NOT NULL)`,
    organizationId,
  );
  return new Map(rows.map((row) => [row.id, { signingBlockedAt: row.signingBlockedAt, circuit: row.state ? { state: row.state, probeAt: row.probeAt } : null }]));
}

/** The ids of an organization's endpoints whose deliveries are held right now (for the history filter). */
export function heldEndpointIds(conditions: Map<string, EndpointCondition>): string[] {
  return [...conditions].filter(([, condition]) => isHeld(condition)).map(([id]) => id);
}

export interface DeliverySummary {
  id: string;
  event: string;
  idempotencyKey: string;
  endpointId: string;
  endpointUrl: string;
  status: DeliveryStatusName;
  /** Scheduled attempts; manual and test attempts are in `manualAttempts`. */
  attempts: number;
  manualAttempts: number;
  /** Derived for display (lib/webhooks/outcomes.ts): retrying, held, failed — gave up after n, … */
  state: DeliveryState;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
}

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new WebhookValidationError("invalid_input", "cursor is not valid");
  return { createdAt, id };
}

/** Deliveries of one organization, newest first, filtered, with keyset pagination. */
export async function listDeliveries(filters: DeliveryFilters): Promise<{ items: DeliverySummary[]; nextCursor: string | null }> {
  const db = filters.prisma ?? sharedPrisma;
  const limit = Math.min(Math.max(filters.limit ?? 25, 1), HISTORY_PAGE_MAX);
  const where: Prisma.WebhookDeliveryWhereInput = {
    organizationId: filters.organizationId,
    status: filters.status,
    event: filters.eventType,
    endpointId: filters.endpointId,
    createdAt: filters.from || filters.to ? { gte: filters.from, lte: filters.to } : undefined,
    idempotencyKey: filters.idempotencyKey ? { contains: filters.idempotencyKey, mode: "insensitive" } : undefined,
  };
  if (filters.cursor) {
    const { createdAt, id } = decodeCursor(filters.cursor);
    where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }];
  }
  const [rows, conditions] = await Promise.all([
    db.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
      include: { endpoint: { select: { url: true } } },
    }),
    endpointConditions(db, filters.organizationId),
  ]);
  const allowed = filters.attemptsAllowed ?? attemptsAllowed();
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => ({
      id: row.id,
      event: row.event,
      idempotencyKey: row.idempotencyKey,
      endpointId: row.endpointId,
      endpointUrl: displayUrl(row.endpoint.url, !filters.maskUrls),
      status: row.status,
      attempts: row.attempts,
      manualAttempts: row.manualAttempts,
      state: deliveryState(row, conditions.get(row.endpointId) ?? {}, { attemptsAllowed: allowed }),
      lastStatusCode: row.lastStatusCode,
      lastError: row.lastError,
      createdAt: row.createdAt,
      deliveredAt: row.deliveredAt,
      nextAttemptAt: row.nextAttemptAt,
    })),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

/** Attempts per page of a delivery's detail (each can hold a 64 KiB response body). */
export const ATTEMPTS_PAGE_SIZE = 20;
/** The most attempts one page of a delivery may ask for. */
export const ATTEMPTS_PAGE_MAX = 100;

/**
 * One delivery with its exact payload and one page of its attempts, newest first (signature
 * values already masked): the `attemptsLimit` (default {@link ATTEMPTS_PAGE_SIZE}) attempts
 * numbered below `attemptsBefore` (default: the newest). `olderAttemptsBefore` is the cursor
 * for the next page, null on the last. `maskUrls` (for members): endpoint and attempt URLs as
 * scheme and host only.
 */
export async function getDeliveryDetail(options: {
  organizationId: string;
  deliveryId: string;
  prisma?: DbClient;
  maskUrls?: boolean;
  attemptsBefore?: number;
  attemptsLimit?: number;
  attemptsAllowed?: number;
}) {
  const db = options.prisma ?? sharedPrisma;
  const limit = options.attemptsLimit ?? ATTEMPTS_PAGE_SIZE;
  const [row, conditions] = await Promise.all([
    db.webhookDelivery.findFirst({
      where: { id: options.deliveryId, organizationId: options.organizationId },
      include: {
        endpoint: { select: { id: true, url: true, description: true, status: true } },
        webhookEvent: { select: { id: true, body: true, createdAt: true } },
        attemptLog: {
          where: options.attemptsBefore === undefined ? undefined : { number: { lt: options.attemptsBefore } },
          orderBy: { number: "desc" },
          take: limit + 1,
        },
        _count: { select: { attemptLog: true } },
      },
    }),
    endpointConditions(db, options.organizationId),
  ]);
  if (!row) throw new WebhookNotFoundError("delivery_not_found", `Delivery ${options.deliveryId} not found`);
  const attempts = row.attemptLog.slice(0, limit);
  return {
    id: row.id,
    event: row.event,
    idempotencyKey: row.idempotencyKey,
    status: row.status,
    /** Scheduled attempts; manual and test attempts are in `manualAttempts`. */
    attempts: row.attempts,
    manualAttempts: row.manualAttempts,
    state: deliveryState(row, conditions.get(row.endpointId) ?? {}, { attemptsAllowed: options.attemptsAllowed ?? attemptsAllowed() }),
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
    nextAttemptAt: row.nextAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    endpoint: { ...row.endpoint, url: displayUrl(row.endpoint.url, !options.maskUrls) },
    eventId: row.webhookEvent.id,
    payload: row.webhookEvent.body,
    attemptsTotal: row._count.attemptLog,
    olderAttemptsBefore: row.attemptLog.length > limit ? attempts[attempts.length - 1]!.number : null,
    attemptLog: attempts.map((attempt) => ({
      id: attempt.id,
      number: attempt.number,
      trigger: attempt.trigger,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      url: displayUrl(attempt.url, !options.maskUrls),
      requestHeaders: attempt.requestHeaders as Record<string, string>,
      statusCode: attempt.statusCode,
      responseHeaders: (attempt.responseHeaders ?? null) as Record<string, string> | null,
      responseBody: attempt.responseBody,
      responseBodyTruncated: attempt.responseBodyTruncated,
      errorCode: attempt.errorCode,
      error: attempt.error,
      success: attempt.success,
    })),
  };
}

export type DeliveryDetail = Awaited<ReturnType<typeof getDeliveryDetail>>;
