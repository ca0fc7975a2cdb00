import { z } from "zod";
import { schemas } from "@/lib/http/schemas";
import { EVENT_TYPE_MAX_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH } from "@/lib/webhooks/events";

/**
 * The delivery-history filters, parsed the same way for the API
 * (`GET /api/webhooks/deliveries`) and for the history page. Only zod, no
 * database, so either side can import it.
 */

export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "cancelled"] as const;
export type DeliveryStatusName = (typeof DELIVERY_STATUSES)[number];
/** Most deliveries one history page may ask for. */
export const HISTORY_PAGE_MAX = 100;
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

/**
 * One zod schema per filter. The API checks them all at once and answers 400
 * with the issues; the history page checks them one by one and drops a bad
 * one with a warning, so a stale link still shows a page.
 */
export const historyFilterFields = {
  status: z.enum(DELIVERY_STATUSES),
  eventType: z.string().max(EVENT_TYPE_FILTER_MAX),
  endpointId: schemas.id("ep"),
  from: filterDate("start"),
  to: filterDate("end"),
  idempotencyKey: z.string().max(IDEMPOTENCY_KEY_FILTER_MAX),
  /** Opaque; the query decodes it and rejects a forged one. */
  cursor: z.string().max(CURSOR_MAX),
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
