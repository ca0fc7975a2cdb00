import { displayUrl } from "@/lib/webhooks/endpoints";
import type { Prisma } from "@/generated/prisma/client";
import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";
import { WebhookNotFoundError, WebhookValidationError } from "@/lib/webhooks/errors";
import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import {
  decodeHistoryCursor,
  DELIVERY_STATUSES,
  encodeHistoryCursor,
  type EventTypeFilter,
  HISTORY_COUNT_CAP,
  HISTORY_PAGE_MAX,
  type DeliveryStatusName,
  type HistoryCursor,
} from "@/lib/webhooks/history-filters";
import { getEnv } from "@/lib/env";
import { queuePosition } from "@/lib/webhooks/ordering";
import { retrySchedule, type RetryPresetName } from "@/lib/webhooks/retry-presets";
import { deliveryState, type DeliveryState, type EndpointCondition, isHeld, type OutcomeInput, outcomeWhere } from "@/lib/webhooks/outcomes";

export { DELIVERY_STATUSES, HISTORY_COUNT_CAP, HISTORY_PAGE_MAX, type DeliveryStatusName };

export interface DeliveryFilters {
  organizationId: string;
  /** A derived outcome (lib/webhooks/outcomes.ts): `held`, `retrying` and `pending` split the stored pending state. */
  status?: DeliveryStatusName;
  /** An exact name, or a prefix (see parseEventTypeFilter); a plain string is an exact name. */
  eventType?: EventTypeFilter | string;
  endpointId?: string;
  from?: Date;
  to?: Date;
  /** Matches idempotency keys containing this text (case-insensitive; `%` and `_` match themselves). */
  idempotencyKey?: string;
  /** `nextCursor` (older) or `prevCursor` (newer) of a previous page, as returned or decoded. */
  cursor?: HistoryCursor | string;
  limit?: number;
  prisma?: DbClient;
  /** For members: endpoint URLs as scheme and host only (they often carry tokens). */
  maskUrls?: boolean;
  /** Attempts the standard retry schedule allows in all; default the configured schedule's length. */
  attemptsAllowed?: number;
}

/**
 * How many scheduled attempts a delivery gets in all: its endpoint's retry preset's
 * length, where `standard` is the configured schedule (or `standardAttempts`).
 */
export function attemptsAllowed(preset: RetryPresetName = "standard", standardAttempts?: number): number {
  if (preset === "standard") return standardAttempts ?? getEnv().webhookRetrySchedule.length;
  return retrySchedule(preset).length;
}

/**
 * What decides whether an organization's deliveries are held right now: each endpoint's
 * secret state and circuit (a handful of rows; only endpoints that have a circuit row or a
 * blocked secret are returned, every other endpoint is neither held nor open).
 */
export async function endpointConditions(db: DbClient, organizationId: string): Promise<Map<string, EndpointCondition>> {
  const rows = await db.$queryRawUnsafe<{ id: string; signingBlockedAt: Date | null; listenDisconnected: boolean; state: "closed" | "open" | "half_open" | null; probeAt: Date | null }[]>(
    `SELECT e."id", e."signingBlockedAt", (e."kind" = 'cli' AND e."status" = 'disabled') AS "listenDisconnected", c."state"::text AS "state", c."probeAt"
       FROM "WebhookEndpoint" e
       LEFT JOIN "WebhookCircuit" c ON c."key" = e."id"
      WHERE e."organizationId" = $1 AND (e."signingBlockedAt" IS NOT NULL OR e."kind" = 'cli' OR c."key" IS NOT NULL)`,
    organizationId,
  );
  return new Map(
    rows.map((row) => [row.id, { signingBlockedAt: row.signingBlockedAt, listenDisconnected: row.listenDisconnected, circuit: row.state ? { state: row.state, probeAt: row.probeAt } : null }]),
  );
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
  /** The stored state; `state.outcome` is what to show (retrying, held, …). */
  status: OutcomeInput["status"];
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

/** One page of the history and the way to the pages around it. */
export interface DeliveryPage {
  /** Newest first, whichever way the page was reached. */
  items: DeliverySummary[];
  /** Older deliveries; null on the last (oldest) page. */
  nextCursor: string | null;
  /** Newer deliveries; null on the first (newest) page. */
  prevCursor: string | null;
  /** Deliveries matching the filters (not the cursor), exactly up to {@link HISTORY_COUNT_CAP}. */
  count: number;
  /** True when more than {@link HISTORY_COUNT_CAP} match: show "10,000+". */
  countCapped: boolean;
}

/** `%`, `_` and `\` escaped for a LIKE pattern (Prisma's startsWith and contains do not), so they match themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

function eventTypeWhere(filter: EventTypeFilter | string | undefined): Prisma.WebhookDeliveryWhereInput["event"] {
  if (filter === undefined) return undefined;
  if (typeof filter === "string") return filter;
  return filter.match === "exact" ? filter.value : { startsWith: escapeLike(filter.value) };
}

/** The filters as one Prisma condition (without the cursor): what the page lists and the count counts. */
function filterWhere(filters: DeliveryFilters, heldIds: readonly string[]): Prisma.WebhookDeliveryWhereInput {
  return {
    organizationId: filters.organizationId,
    event: eventTypeWhere(filters.eventType),
    endpointId: filters.endpointId,
    createdAt: filters.from || filters.to ? { gte: filters.from, lte: filters.to } : undefined,
    idempotencyKey: filters.idempotencyKey ? { contains: escapeLike(filters.idempotencyKey), mode: "insensitive" } : undefined,
    AND: filters.status ? [outcomeWhere(filters.status, heldIds)] : [],
  };
}

/**
 * Rows past `key` in `direction` (newest first by createdAt, then id). The plain bound on
 * createdAt says the same as the OR but lets the (organizationId, createdAt) index start at the
 * cursor: without it a deep page reads every newer row of the organization first.
 */
function beyond(key: { createdAt: Date; id: string }, direction: HistoryCursor["direction"]): Prisma.WebhookDeliveryWhereInput {
  const side = direction === "older" ? "lt" : "gt";
  const sideOrEqual = direction === "older" ? "lte" : "gte";
  return { createdAt: { [sideOrEqual]: key.createdAt }, OR: [{ createdAt: { [side]: key.createdAt } }, { createdAt: key.createdAt, id: { [side]: key.id } }] };
}

function readCursor(cursor: DeliveryFilters["cursor"]): HistoryCursor | undefined {
  if (cursor === undefined || typeof cursor !== "string") return cursor;
  const decoded = decodeHistoryCursor(cursor);
  if (!decoded) throw new WebhookValidationError("invalid_input", "cursor is not valid");
  return decoded;
}

/**
 * Deliveries of one organization, newest first, filtered, in keyset pages both ways (no
 * OFFSET): `nextCursor` pages to older deliveries, `prevCursor` back to newer ones (null on
 * the newest page), and paging forward then back gives the same pages. `count` is the
 * number of deliveries matching the filters, counted over at most
 * {@link HISTORY_COUNT_CAP} + 1 rows so it stays cheap; `countCapped` says there are more.
 * Throws WebhookValidationError for a cursor string this function did not hand out.
 */
export async function listDeliveries(filters: DeliveryFilters): Promise<DeliveryPage> {
  const db = filters.prisma ?? sharedPrisma;
  const limit = Math.min(Math.max(filters.limit ?? 25, 1), HISTORY_PAGE_MAX);
  const cursor = readCursor(filters.cursor);
  const conditions = await endpointConditions(db, filters.organizationId);
  const where = filterWhere(filters, heldEndpointIds(conditions));
  const direction = cursor?.direction ?? "older";
  const order = direction === "older" ? "desc" : "asc";
  const [rows, counted] = await Promise.all([
    db.webhookDelivery.findMany({
      where: cursor ? { AND: [where, beyond(cursor, direction)] } : where,
      orderBy: [{ createdAt: order }, { id: order }],
      take: limit + 1,
      include: { endpoint: { select: { url: true, retryPreset: true } } },
    }),
    db.webhookDelivery.count({ where, orderBy: { createdAt: "desc" }, take: HISTORY_COUNT_CAP + 1 }),
  ]);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (direction === "newer") page.reverse();

  // The side the page was reached from is known to continue only by looking: one row at most.
  const backKey = direction === "older" ? (page[0] ?? cursor) : (page[page.length - 1] ?? cursor);
  const back: HistoryCursor["direction"] = direction === "older" ? "newer" : "older";
  const backExists = cursor && backKey ? (await db.webhookDelivery.findFirst({ where: { AND: [where, beyond(backKey, back)] }, select: { id: true } })) !== null : false;
  const onwardKey = direction === "older" ? page[page.length - 1] : page[0];
  const cursorTo = (key: { createdAt: Date; id: string } | undefined, to: HistoryCursor["direction"]) =>
    key ? encodeHistoryCursor({ direction: to, createdAt: key.createdAt, id: key.id }) : null;
  const onward = more ? cursorTo(onwardKey, direction) : null;
  const backward = backExists ? cursorTo(backKey, back) : null;

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
      state: deliveryState(row, conditions.get(row.endpointId) ?? {}, { attemptsAllowed: attemptsAllowed(row.endpoint.retryPreset, filters.attemptsAllowed) }),
      orderingKey: row.orderingKey,
      lastStatusCode: row.lastStatusCode,
      lastError: row.lastError,
      createdAt: row.createdAt,
      deliveredAt: row.deliveredAt,
      nextAttemptAt: row.nextAttemptAt,
    })),
    nextCursor: direction === "older" ? onward : backward,
    prevCursor: direction === "older" ? backward : onward,
    count: Math.min(counted, HISTORY_COUNT_CAP),
    countCapped: counted > HISTORY_COUNT_CAP,
  };
}

/** Deliveries scanned (newest first) for the event types an organization has sent. */
const SENT_EVENT_TYPES_SCAN = 5_000;
/** Most event types the history's event-type filter suggests. */
export const EVENT_TYPE_SUGGESTIONS_MAX = 200;

/**
 * What the history's event-type filter suggests: the catalogue's event types, the ones this
 * organization sent in its latest {@link SENT_EVENT_TYPES_SCAN} deliveries (one bounded
 * DISTINCT query), and a `resource.*` prefix for each resource, sorted, at most
 * {@link EVENT_TYPE_SUGGESTIONS_MAX}.
 */
export async function eventTypeSuggestions(options: { organizationId: string; prisma?: DbClient }): Promise<string[]> {
  const db = options.prisma ?? sharedPrisma;
  const sent = await db.$queryRawUnsafe<{ event: string }[]>(
    `SELECT DISTINCT recent."event"
       FROM (SELECT "event" FROM "WebhookDelivery" WHERE "organizationId" = $1 ORDER BY "createdAt" DESC LIMIT ${SENT_EVENT_TYPES_SCAN}) recent
      ORDER BY 1
      LIMIT ${EVENT_TYPE_SUGGESTIONS_MAX}`,
    options.organizationId,
  );
  const names = new Set([...EVENT_CATALOGUE.map((definition) => definition.name), ...sent.map((row) => row.event)]);
  const prefixes = [...names].filter((name) => name.includes(".")).map((name) => `${name.slice(0, name.indexOf(".") + 1)}*`);
  return [...new Set([...names, ...prefixes])].sort().slice(0, EVENT_TYPE_SUGGESTIONS_MAX);
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
        endpoint: { select: { id: true, url: true, description: true, status: true, ordering: true, rateLimitPerSecond: true, retryPreset: true } },
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
  const queue = await queuePosition(db, row);
  return {
    id: row.id,
    event: row.event,
    idempotencyKey: row.idempotencyKey,
    status: row.status,
    /** Scheduled attempts; manual and test attempts are in `manualAttempts`. */
    attempts: row.attempts,
    manualAttempts: row.manualAttempts,
    state: deliveryState(row, conditions.get(row.endpointId) ?? {}, { attemptsAllowed: attemptsAllowed(row.endpoint.retryPreset, options.attemptsAllowed) }),
    /** On an ordered endpoint: the key's queue, and (while pending) how many deliveries of it go first. */
    ordering: row.orderingKey === null ? null : { key: row.orderingKey, ahead: queue?.ahead ?? 0, waitingFor: queue?.waitingFor ?? null },
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
