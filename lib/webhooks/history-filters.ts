import { z } from "zod";
import { schemas } from "@/lib/http/schemas";
import { EVENT_TYPE_MAX_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH } from "@/lib/webhooks/events";
import { DELIVERY_OUTCOMES, type DeliveryOutcome } from "@/lib/webhooks/outcomes";

/**
 * The delivery-history filters, parsed the same way for the API
 * (`GET /api/webhooks/deliveries`) and for the history page. Only zod, no
 * database, so either side can import it.
 */

/**
 * The status filter takes the derived outcomes of lib/webhooks/outcomes.ts, not the stored
 * states: `pending` is "no scheduled attempt yet and not held", `retrying` and `held` are
 * pending deliveries that failed before or wait behind an open circuit.
 */
export const DELIVERY_STATUSES = DELIVERY_OUTCOMES;
export type DeliveryStatusName = DeliveryOutcome;
/** Most deliveries one history page may ask for. */
export const HISTORY_PAGE_MAX = 100;
/** The history counts matching deliveries exactly up to this many, then says "10,000+". */
export const HISTORY_COUNT_CAP = 10_000;
export const EVENT_TYPE_FILTER_MAX = EVENT_TYPE_MAX_LENGTH;
export const IDEMPOTENCY_KEY_FILTER_MAX = IDEMPOTENCY_KEY_MAX_LENGTH;
export const CURSOR_MAX = 200;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;
const DATE_TIME_MAX = 40;

/**
 * A filter date: `YYYY-MM-DD` (what a date input sends) is the start or the end
 * of that UTC day, so `to` includes the whole day; a full ISO 8601 date and
 * time is itself. Undefined when it is neither, or not a real date (2025-02-31
 * is refused, not rolled over into March).
 */
export function parseFilterDate(value: string, edge: "start" | "end"): Date | undefined {
  if (DATE_ONLY.test(value)) {
    const date = new Date(`${value}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z`);
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? undefined : date;
  }
  if (value.length > DATE_TIME_MAX || !DATE_TIME.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function filterDate(edge: "start" | "end") {
  return z.string().transform((value, ctx) => {
    const date = parseFilterDate(value, edge);
    if (date) return date;
    ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date (YYYY-MM-DD) or date and time" });
    return z.NEVER;
  });
}

/** The event-type filter: one exact name, or every name starting with `value`. */
export interface EventTypeFilter {
  match: "exact" | "prefix";
  value: string;
}

/**
 * Reads an event-type filter: `invoice.paid` is that name exactly; `invoice.*` (a trailing
 * `*`) or `invoice.` (a trailing dot: no event type ends with one) is every name starting
 * with `invoice.`. Any other character, `%` and `_` included, is matched literally. Returns
 * the reason in words when the value cannot be a filter.
 */
export function parseEventTypeFilter(value: string): EventTypeFilter | { error: string } {
  if (value.length === 0) return { error: "must name an event type (invoice.paid) or a prefix (invoice.*)" };
  if (value.length > EVENT_TYPE_FILTER_MAX) return { error: `must be at most ${EVENT_TYPE_FILTER_MAX} characters` };
  const star = value.indexOf("*");
  if (star !== -1 && star !== value.length - 1) return { error: "must have * only at the end, as in invoice.*" };
  if (star !== -1) {
    const prefix = value.slice(0, -1);
    return prefix ? { match: "prefix", value: prefix } : { error: "must name a prefix before *, as in invoice.*" };
  }
  return value.endsWith(".") ? { match: "prefix", value } : { match: "exact", value };
}

/** Which way a history cursor pages: to older deliveries (`nextCursor`) or newer ones (`prevCursor`). */
export type CursorDirection = "older" | "newer";

/** A position in the history (newest first by `createdAt`, then `id`) and the way to page from it. */
export interface HistoryCursor {
  direction: CursorDirection;
  createdAt: Date;
  id: string;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURSOR_ID = /^msg_[0-9a-z]{26}$/;
const DIRECTION_CODES: Record<CursorDirection, string> = { older: "o", newer: "n" };

function toBase64Url(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) return null;
  try {
    return atob(text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "="));
  } catch {
    return null;
  }
}

/** The opaque cursor for a position and direction (base64url of `o|<time>|<id>` or `n|…`). */
export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return toBase64Url(`${DIRECTION_CODES[cursor.direction]}|${cursor.createdAt.toISOString()}|${cursor.id}`);
}

/**
 * Reads a cursor this API handed out; null for anything else (edited, cut short, forged).
 * Cursors from before paging went both ways (`<time>|<id>`) still page to older deliveries.
 */
export function decodeHistoryCursor(cursor: string): HistoryCursor | null {
  const text = fromBase64Url(cursor);
  if (text === null) return null;
  const parts = text.split("|");
  const [code, at, id] = parts.length === 2 ? ["o", ...parts] : parts;
  const direction = code === "o" ? "older" : code === "n" ? "newer" : null;
  if (parts.length > 3 || !direction || !at || !id || !CURSOR_TIME.test(at) || !CURSOR_ID.test(id)) return null;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) return null;
  return { direction, createdAt, id };
}

/**
 * One zod schema per filter. The API checks them all at once and answers 400
 * with the issues; the history page checks them one by one and drops a bad
 * one with a warning, so a stale link still shows a page.
 */
export const historyFilterFields = {
  status: z.enum(DELIVERY_STATUSES),
  eventType: z.string().transform((value, ctx): EventTypeFilter => {
    const filter = parseEventTypeFilter(value);
    if ("error" in filter) {
      ctx.addIssue({ code: "custom", message: filter.error });
      return z.NEVER;
    }
    return filter;
  }),
  endpointId: schemas.id("ep"),
  from: filterDate("start"),
  to: filterDate("end"),
  idempotencyKey: z.string().max(IDEMPOTENCY_KEY_FILTER_MAX),
  /** Opaque: `nextCursor` or `prevCursor` of a previous page. */
  cursor: z
    .string()
    .max(CURSOR_MAX, "is not a cursor from this API (too long)")
    .transform((value, ctx): HistoryCursor => {
      const cursor = decodeHistoryCursor(value);
      if (cursor) return cursor;
      ctx.addIssue({ code: "custom", message: "is not a cursor from this API: pass nextCursor or prevCursor exactly as returned, or leave it out for the newest page" });
      return z.NEVER;
    }),
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_MAX),
};

/** Every filter optional: the query string of the deliveries API. */
export const historyFilterQuery = z.object({
  status: historyFilterFields.status.optional(),
  eventType: historyFilterFields.eventType.optional(),
  endpointId: historyFilterFields.endpointId.optional(),
  from: historyFilterFields.from.optional(),
  to: historyFilterFields.to.optional(),
  idempotencyKey: historyFilterFields.idempotencyKey.optional(),
  cursor: historyFilterFields.cursor.optional(),
  limit: historyFilterFields.limit.optional(),
});
export type HistoryFilterQuery = z.infer<typeof historyFilterQuery>;

