import { z } from "zod";
import type { ErrorIssue } from "@/lib/http/errors";
import { reportedIssues, validationStatus } from "@/lib/http/route";
import { isBatchItemError, sendWebhookNotifications, type BatchItem } from "@/lib/webhooks/batch";
import { EVENT_TYPE_MAX_LENGTH, IDEMPOTENCY_KEY_MAX_LENGTH } from "@/lib/webhooks/events";
import { ORDERING_KEY_MAX_LENGTH } from "@/lib/webhooks/ordering";
import { memberSource, rawJson } from "@/lib/webhooks/raw-json";
import type { WebhookErrorCode } from "@/lib/webhooks/errors";

/**
 * What the ingest API takes: one event, the body of `POST /api/v1/events` and
 * each item of `POST /api/v1/events/batch`.
 */
export const ingestEvent = z.object({
  event: z.string().min(1).max(EVENT_TYPE_MAX_LENGTH),
  idempotencyKey: z.string().min(1).max(IDEMPOTENCY_KEY_MAX_LENGTH),
  data: z.unknown().refine((value) => value !== undefined, "is required"),
  /** Deliveries with the same key reach an ordered endpoint one at a time, in order. */
  orderingKey: z.string().min(1).max(ORDERING_KEY_MAX_LENGTH).optional(),
});

/** One item's answer in a batch: what `POST /api/v1/events` would have answered for it alone. */
export type BatchAnswer =
  | { status: 200 | 202; eventId: string; deliveries: number; duplicate: boolean }
  | { status: 400 | 413 | 422; error: { code: WebhookErrorCode | "invalid_request"; message: string; issues?: ErrorIssue[] } };

/**
 * Sends a batch received as JSON: `items` parsed, `sources` the exact text of
 * each item in the body (raw-json.ts's `elementSources`). Each item is checked
 * on its own — a malformed one is answered 400 with its issues, one the library
 * refuses 422 (413 when too large) — and every valid one is sent, its `data` as
 * the producer's own bytes, in one `sendWebhookNotifications` call. Answers in
 * input order. Throws what that call throws for the whole batch.
 */
export async function ingestBatch(organizationId: string, items: readonly unknown[], sources: readonly string[]): Promise<BatchAnswer[]> {
  const answers: (BatchAnswer | number)[] = [];
  const valid: BatchItem[] = [];
  items.forEach((item, index) => {
    const parsed = ingestEvent.safeParse(item);
    if (!parsed.success) {
      const issues = reportedIssues(parsed.error, ["body", "items", String(index)]);
      return answers.push({ status: 400, error: { code: "invalid_request", message: `Item ${index} is not valid`, issues } });
    }
    const { event, idempotencyKey, orderingKey } = parsed.data;
    // The item parsed as an object with `data`, so its source is there.
    answers.push(valid.push({ event, idempotencyKey, orderingKey, data: rawJson(memberSource(sources[index]!, "data")!) }) - 1);
  });
  const results = await sendWebhookNotifications(organizationId, valid);
  return answers.map((answer) => {
    if (typeof answer !== "number") return answer;
    const result = results[answer]!;
    if (isBatchItemError(result)) return { status: validationStatus(result.error.code), error: result.error };
    return { status: result.duplicate ? 200 : 202, eventId: result.eventId, deliveries: result.deliveries.length, duplicate: result.duplicate };
  });
}
