import type { DbClient } from "@/lib/database/db-types";
import { enqueueEvents, prepareEvent, type EnqueueResult, type EventRow } from "@/lib/webhooks/enqueue";
import { WebhookValidationError, type ValidationIssue, type WebhookErrorCode } from "@/lib/webhooks/errors";
import { inSpan, SPAN_NAMES, TRACE_ATTRIBUTES } from "@/lib/webhooks/tracing";

/** Most events in one {@link sendWebhookNotifications} call (and one `POST /api/v1/events/batch`). */
export const BATCH_MAX_ITEMS = 500;

/** Largest body of `POST /api/v1/events/batch`: room for many events, not for 500 of the largest. */
export const BATCH_MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface BatchItem {
  event: string;
  idempotencyKey: string;
  /** Any JSON-serialisable value, or RawJson to deliver JSON text byte for byte. */
  data: unknown;
  /** See EnqueueOptions.orderingKey. */
  orderingKey?: string;
}

export interface BatchOptions {
  /** An interactive transaction of the caller's: the whole batch is delivered if and only if it commits. */
  tx?: DbClient;
  /** Clock, injectable for tests. Read once: every event of a batch has the same timestamp. */
  now?: () => Date;
}

/** One item's refusal: the code and message its single send would have thrown, and its issues when the data broke its type's schema. */
export interface BatchItemError {
  error: { code: WebhookErrorCode; message: string; issues?: ValidationIssue[] };
}

export type BatchItemResult = EnqueueResult | BatchItemError;

/** Throws WebhookValidationError `batch_too_large` for more than {@link BATCH_MAX_ITEMS} items. */
export function assertBatchSize(count: number): void {
  if (count > BATCH_MAX_ITEMS) {
    throw new WebhookValidationError("batch_too_large", `A batch may hold at most ${BATCH_MAX_ITEMS} events; got ${count}`);
  }
}

/**
 * Sends many events of one organization with one write: every valid event and
 * its deliveries are stored by a single statement (inside `tx` when given), so
 * they are stored together or not at all. Returns one result per item, in
 * input order — what `sendWebhookNotification` would have returned for it, or
 * `{ error }` with the code it would have thrown (invalid_event_type,
 * reserved_event_type, invalid_idempotency_key, invalid_ordering_key,
 * invalid_payload — with `issues` when a declared type's data broke its schema —,
 * undeclared_event_type, payload_too_large). A bad item never holds back the others.
 *
 * Idempotent per key like single sends: a key already stored comes back
 * `duplicate: true` with the stored event; a key repeated inside the batch is
 * written once, for its first valid occurrence, and the later ones are
 * duplicates of it. Events with one ordering key join their queue in input order.
 *
 * Throws WebhookValidationError `batch_too_large` (over {@link BATCH_MAX_ITEMS}
 * items, nothing checked or written) and WebhookNotFoundError
 * `organization_not_found` for the whole call — one organization, one answer;
 * nothing is written then. A batch whose items are all invalid never reaches
 * the database, so it reports the items' errors instead.
 */
export function sendWebhookNotifications(organizationId: string, items: readonly BatchItem[], options: BatchOptions = {}): Promise<BatchItemResult[]> {
  const attributes = { [TRACE_ATTRIBUTES.organizationId]: organizationId, [TRACE_ATTRIBUTES.batchSize]: items.length };
  return inSpan(SPAN_NAMES.ingest, { attributes }, async (span) => {
    const results = await sendBatch(organizationId, items, options);
    const stored = results.filter((result): result is EnqueueResult => !isBatchItemError(result));
    span.setAttributes({
      [TRACE_ATTRIBUTES.eventCount]: stored.filter((result) => !result.duplicate).length,
      [TRACE_ATTRIBUTES.deliveries]: stored.reduce((sum, result) => sum + (result.duplicate ? 0 : result.deliveries.length), 0),
    });
    return results;
  });
}

async function sendBatch(organizationId: string, items: readonly BatchItem[], options: BatchOptions): Promise<BatchItemResult[]> {
  assertBatchSize(items.length);
  const createdAt = (options.now ?? (() => new Date()))();
  // Each item's refusal, or the row it is written as (a repeated key: the first occurrence's row).
  const outcomes: (BatchItemError | { row: number; repeat: boolean })[] = [];
  const rows: EventRow[] = [];
  const rowOfKey = new Map<string, number>();
  for (const item of items) {
    try {
      const row = prepareEvent(organizationId, item.event, item.idempotencyKey, item.data, { orderingKey: item.orderingKey, now: () => createdAt });
      const first = rowOfKey.get(row.idempotencyKey);
      if (first !== undefined) outcomes.push({ row: first, repeat: true });
      else {
        rowOfKey.set(row.idempotencyKey, rows.length);
        outcomes.push({ row: rows.push(row) - 1, repeat: false });
      }
    } catch (error) {
      if (!(error instanceof WebhookValidationError)) throw error;
      outcomes.push({ error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } });
    }
  }
  const written = rows.length === 0 ? [] : await enqueueEvents(rows, { tx: options.tx });
  // organization_not_found (the same for every row) or a failure to read a repeat back.
  const failed = written.find((result) => result instanceof Error);
  if (failed) throw failed;
  const stored = written as EnqueueResult[];
  return outcomes.map((outcome) => {
    if (!("row" in outcome)) return outcome;
    const result = stored[outcome.row]!;
    return outcome.repeat ? { eventId: result.eventId, deliveries: [...result.deliveries], duplicate: true } : result;
  });
}

/** True for an item {@link sendWebhookNotifications} refused. */
export function isBatchItemError(result: BatchItemResult): result is BatchItemError {
  return "error" in result;
}
