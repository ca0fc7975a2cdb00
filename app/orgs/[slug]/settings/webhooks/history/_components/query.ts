import { DELIVERY_STATUSES, HISTORY_PAGE_MAX, type DeliveryFilters, type DeliveryStatusName } from "@/lib/webhooks/history";

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
  cursor?: string;
  /** A cursor was given but cannot be one of ours (the query rejects well-formed bad ones itself). */
  cursorInvalid: boolean;
  limit?: number;
  /** One sentence per value that was ignored. */
  warnings: string[];
}

export const DEFAULT_PAGE_SIZE = 25;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function single(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value[0] : value;
  return (raw ?? "").trim();
}

/**
 * `YYYY-MM-DD` (what a date input sends) as the start or the end of that UTC
 * day; a full ISO time as itself. Undefined when it is not a real date.
 */
function parseDate(value: string, edge: "start" | "end"): Date | undefined {
  if (DATE_ONLY.test(value)) {
    const date = new Date(`${value}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z`);
    // Rejects 2025-02-31, which Date would roll over into March.
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? undefined : date;
  }
  if (value.length > 40 || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Reads the history page's query string without ever throwing: unknown or
 * malformed values are dropped with a warning, so a hand-edited or stale link
 * still shows a page. `endpointIds` are the organization's endpoints; any other
 * id is ignored (it may have been deleted). The cursor is checked by the query itself.
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
    if ((DELIVERY_STATUSES as readonly string[]).includes(values.status)) filters.status = values.status as DeliveryStatusName;
    else {
      warnings.push(`Unknown status “${values.status.slice(0, 40)}” was ignored.`);
      values.status = "";
    }
  }
  if (values.eventType) {
    if (values.eventType.length <= 128) filters.eventType = values.eventType;
    else {
      warnings.push("The event type filter was too long and was ignored.");
      values.eventType = "";
    }
  }
  if (values.endpointId) {
    if (endpointIds.has(values.endpointId)) filters.endpointId = values.endpointId;
    else {
      warnings.push("The endpoint filter was ignored: that endpoint does not exist in this organization (it may have been deleted).");
      values.endpointId = "";
    }
  }
  for (const edge of ["from", "to"] as const) {
    if (!values[edge]) continue;
    const date = parseDate(values[edge], edge === "from" ? "start" : "end");
    if (date) filters[edge] = date;
    else {
      warnings.push(`“${values[edge].slice(0, 40)}” is not a valid date; the “${edge === "from" ? "From" : "To"}” filter was ignored.`);
      values[edge] = "";
    }
  }
  if (filters.from && filters.to && filters.from > filters.to) warnings.push("“From” is after “To”, so no delivery can match.");
  if (values.idempotencyKey) {
    if (values.idempotencyKey.length <= 255) filters.idempotencyKey = values.idempotencyKey;
    else {
      warnings.push("The idempotency key filter was too long and was ignored.");
      values.idempotencyKey = "";
    }
  }

  const rawCursor = single(params.cursor);
  const cursorInvalid = rawCursor !== "" && !(rawCursor.length <= 200 && /^[A-Za-z0-9_-]+$/.test(rawCursor));
  const cursor = rawCursor && !cursorInvalid ? rawCursor : undefined;

  const rawLimit = single(params.limit);
  const parsedLimit = /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  const limit = parsedLimit >= 1 && parsedLimit <= HISTORY_PAGE_MAX ? parsedLimit : undefined;

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
