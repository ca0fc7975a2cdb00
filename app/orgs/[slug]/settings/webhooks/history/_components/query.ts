import type { DeliveryFilters } from "@/lib/webhooks/history";
import { historyFilterFields, type HistoryCursor } from "@/lib/webhooks/history-filters";

export type SearchParams = Record<string, string | string[] | undefined>;

/** The filter values as typed, echoed back into the form and into pagination links. */
export interface HistoryFormValues {
  status: string;
  eventType: string;
  endpointId: string;
  from: string;
  to: string;
  idempotencyKey: string;
}

export interface HistoryQuery {
  values: HistoryFormValues;
  filters: Pick<DeliveryFilters, "status" | "eventType" | "endpointId" | "from" | "to" | "idempotencyKey">;
  /** Where the page starts and which way it goes (older or newer); none for the newest page. */
  cursor?: HistoryCursor;
  /** A cursor was given but is not one we handed out (edited or cut short). */
  cursorInvalid: boolean;
  limit?: number;
  /** One sentence per value that was ignored. */
  warnings: string[];
}

export const DEFAULT_PAGE_SIZE = 25;

function single(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value[0] : value;
  return (raw ?? "").trim();
}

/**
 * Reads the history page's query string without ever throwing: unknown or
 * malformed values are dropped with a warning, so a hand-edited or stale link
 * still shows a page. `endpointIds` are the organization's endpoints; any other
 * id is ignored (it may have been deleted). Each value is checked by the same
 * schema as the deliveries API's; the cursor's contents by the query itself.
 */
export function parseHistoryQuery(params: SearchParams, endpointIds: ReadonlySet<string>): HistoryQuery {
  const warnings: string[] = [];
  const values: HistoryFormValues = {
    status: single(params.status),
    eventType: single(params.eventType),
    endpointId: single(params.endpointId),
    from: single(params.from),
    to: single(params.to),
    idempotencyKey: single(params.idempotencyKey),
  };
  const filters: HistoryQuery["filters"] = {};

  if (values.status) {
    const status = historyFilterFields.status.safeParse(values.status);
    if (status.success) filters.status = status.data;
    else {
      warnings.push(`Unknown status “${values.status.slice(0, 40)}” was ignored.`);
      values.status = "";
    }
  }
  if (values.eventType) {
    const eventType = historyFilterFields.eventType.safeParse(values.eventType);
    if (eventType.success) filters.eventType = eventType.data;
    else {
      warnings.push(`The event type filter was ignored: it ${eventType.error.issues[0]?.message ?? "is not valid"}.`);
      values.eventType = "";
    }
  }
  if (values.endpointId) {
    if (historyFilterFields.endpointId.safeParse(values.endpointId).success && endpointIds.has(values.endpointId)) filters.endpointId = values.endpointId;
    else {
      warnings.push("The endpoint filter was ignored: that endpoint does not exist in this organization (it may have been deleted).");
      values.endpointId = "";
    }
  }
  for (const edge of ["from", "to"] as const) {
    if (!values[edge]) continue;
    const date = historyFilterFields[edge].safeParse(values[edge]);
    if (date.success) filters[edge] = date.data;
    else {
      warnings.push(`“${values[edge].slice(0, 40)}” is not a valid date; the “${edge === "from" ? "From" : "To"}” filter was ignored.`);
      values[edge] = "";
    }
  }
  if (filters.from && filters.to && filters.from > filters.to) warnings.push("“From” is after “To”, so no delivery can match.");
  if (values.idempotencyKey) {
    if (historyFilterFields.idempotencyKey.safeParse(values.idempotencyKey).success) filters.idempotencyKey = values.idempotencyKey;
    else {
      warnings.push("The idempotency key filter was too long and was ignored.");
      values.idempotencyKey = "";
    }
  }

  const rawCursor = single(params.cursor);
  const parsedCursor = rawCursor ? historyFilterFields.cursor.safeParse(rawCursor) : undefined;
  const cursorInvalid = parsedCursor !== undefined && !parsedCursor.success;
  const cursor = parsedCursor?.success ? parsedCursor.data : undefined;

  const rawLimit = single(params.limit);
  const parsedLimit = historyFilterFields.limit.safeParse(rawLimit);
  const limit = parsedLimit.success ? parsedLimit.data : undefined;

  return { values, filters, cursor, cursorInvalid, limit, warnings };
}

/** The history URL (`path`, the organization's history page) for these filters, optionally at a cursor. Empty values are left out. */
export function historyHref(path: string, values: HistoryFormValues, options: { cursor?: string | null; limit?: number } = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  if (options.limit && options.limit !== DEFAULT_PAGE_SIZE) params.set("limit", String(options.limit));
  if (options.cursor) params.set("cursor", options.cursor);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/** True when any filter is set. */
export function hasFilters(values: HistoryFormValues): boolean {
  return Object.values(values).some(Boolean);
}
