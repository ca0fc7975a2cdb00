import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { sqlTime, type DbClient } from "@/lib/database/db-types";
import { hotStatement, runHot } from "@/lib/database/hot-sql";
import { LeaseLostError, TransportError } from "@/lib/webhooks/errors";
import { unparkHeads } from "@/lib/webhooks/ordering";
import { groupCommit, type GroupCommitOptions } from "@/lib/database/group-commit";
import { maskCustomHeaders } from "@/lib/webhooks/endpoint-headers";
import type { SignedSendResult } from "@/lib/webhooks/send";
import type { TransportResponse } from "@/lib/webhooks/transport";

export interface RecordInput {
  /** `orderingKey`: the delivery's queue on an ordered endpoint (ordering.ts), if it is in one. */
  delivery: { id: string; organizationId: string; endpointId: string; orderingKey?: string | null };
  /** When set, the delivery is only updated while this worker still holds its lease. */
  leaseOwner?: string;
  trigger: "scheduled" | "manual" | "test";
  url: string;
  sent: SignedSendResult;
  startedAt: Date;
  finishedAt: Date;
  status: "pending" | "delivered" | "failed" | "cancelled";
  nextAttemptAt: Date | null;
  /** Leave the delivery's next scheduled attempt where it is (a failed manual attempt); `nextAttemptAt` is then ignored. */
  keepSchedule?: boolean;
}


export function describeOutcome(outcome: TransportResponse | TransportError): { statusCode?: number; error?: string; errorCode?: string } {
  if (outcome instanceof TransportError) return { error: outcome.message, errorCode: outcome.code };
  const ok = outcome.status >= 200 && outcome.status < 300;
  return { statusCode: outcome.status, error: ok ? undefined : `HTTP ${outcome.status}` };
}

/** Signature values are not secret, but they are no use to a reader either: store them masked. */
export function maskSignatureHeaders(headers: Record<string, string>): Record<string, string> {
  const masked = { ...headers };
  if (masked["webhook-signature"]) masked["webhook-signature"] = masked["webhook-signature"].replace(/(v1a?),[^ ]+/g, "$1,••••••••");
  if (masked["x-webhook-signature"]) masked["x-webhook-signature"] = `${masked["x-webhook-signature"].slice(0, 8)}••••••••`;
  return masked;
}

/** PostgreSQL text and jsonb cannot hold U+0000; a receiver's bytes must not make the write fail. */
function storable(value: string): string;
function storable(value: string | null): string | null;
function storable(value: string | null): string | null {
  return value === null ? null : value.replace(/\u0000/g, "\uFFFD");
}

function storableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [storable(name), storable(value)]));
}

/** One attempt as a JSON record for `jsonb_to_recordset` (one parameter, whatever the driver). */
function toRow(input: RecordInput) {
  const { statusCode, error, errorCode } = describeOutcome(input.sent.outcome);
  const response = input.sent.outcome instanceof TransportError ? undefined : input.sent.outcome;
  return {
    delivery_id: input.delivery.id,
    lease_owner: input.leaseOwner ?? null,
    status: input.status,
    next_attempt_at: input.nextAttemptAt ? sqlTime(input.nextAttemptAt) : null,
    keep_schedule: input.keepSchedule ?? false,
    status_code: statusCode ?? null,
    error: storable(error ?? null),
    finished_at: sqlTime(input.finishedAt),
    attempt_id: newId("att"),
    organization_id: input.delivery.organizationId,
    endpoint_id: input.delivery.endpointId,
    trigger: input.trigger,
    started_at: sqlTime(input.startedAt),
    duration_ms: Math.round(input.sent.durationMs),
    url: input.url,
    request_headers: maskCustomHeaders(maskSignatureHeaders(input.sent.headers), input.sent.customHeaderNames),
    response_headers: response ? storableHeaders(response.headers) : null,
    response_body: storable(response?.body ?? null),
    response_body_truncated: response?.bodyTruncated ?? false,
    error_code: errorCode ?? null,
    success: statusCode !== undefined && statusCode >= 200 && statusCode < 300,
  };
}

/**
 * Writes each attempt row and its delivery's new state — for many attempts at
 * once — in ONE statement: atomic without a transaction round trip, one commit
 * for the whole batch, and nothing is written for an attempt whose lease is no
 * longer ours. Returns the ids of the deliveries that were recorded.
 */
export async function recordAttempts(db: DbClient, inputs: readonly RecordInput[]): Promise<Set<string>> {
  if (inputs.length === 0) return new Set();
  const rows = await runHot<{ deliveryId: string }>(db, RECORD, [JSON.stringify(inputs.map(toRow))]);
  const recorded = new Set(rows.map((row) => row.deliveryId));
  // Checked after the commit (ordering.ts): a finished delivery's queue gets its next head.
  const finished = inputs.filter((input) => input.status !== "pending" && input.delivery.orderingKey != null && recorded.has(input.delivery.id));
  if (finished.length > 0) {
    const queues = finished.map((input) => ({ endpointId: input.delivery.endpointId, orderingKey: input.delivery.orderingKey! }));
    await unparkHeads(db, queues, finished[0]!.finishedAt).catch((error: unknown) =>
      logger.warn({ err: error }, "un-parking ordered queue heads after an attempt failed; the workers' sweep will"),
    );
  }
  return recorded;
}

const RECORD = hotStatement(
  "webhook_record_attempts",
  `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
         delivery_id text, lease_owner text, status text, next_attempt_at text, keep_schedule boolean, status_code int, error text,
         finished_at text, attempt_id text, organization_id text, endpoint_id text, trigger text, started_at text,
         duration_ms int, url text, request_headers jsonb, response_headers jsonb, response_body text,
         response_body_truncated boolean, error_code text, success boolean)
     ), updated AS (
       UPDATE "WebhookDelivery" d
          SET "status" = i.status::"DeliveryStatus",
              -- Only scheduled attempts move the retry schedule; manual and test ones are counted apart.
              "attempts" = d."attempts" + CASE WHEN i.trigger = 'scheduled' THEN 1 ELSE 0 END,
              "manualAttempts" = d."manualAttempts" + CASE WHEN i.trigger = 'scheduled' THEN 0 ELSE 1 END,
              "nextAttemptAt" = CASE WHEN i.keep_schedule THEN d."nextAttemptAt" ELSE i.next_attempt_at::timestamp(3) END,
              "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "lastStatusCode" = i.status_code, "lastError" = i.error,
              "deliveredAt" = CASE WHEN i.status = 'delivered' THEN i.finished_at::timestamp(3) ELSE d."deliveredAt" END,
              "updatedAt" = i.finished_at::timestamp(3)
         FROM input i
        WHERE d."id" = i.delivery_id AND (i.lease_owner IS NULL OR d."leaseOwner" = i.lease_owner)
        RETURNING d."id"
     )
     INSERT INTO "WebhookAttempt" ("id", "organizationId", "deliveryId", "endpointId", "number", "trigger", "startedAt",
                                   "durationMs", "url", "requestHeaders", "statusCode", "responseHeaders", "responseBody",
                                   "responseBodyTruncated", "errorCode", "error", "success")
     SELECT i.attempt_id, i.organization_id, i.delivery_id, i.endpoint_id,
            -- Numbered across the delivery's whole history (a recovered delivery restarts its schedule, not its log).
            (SELECT count(*) + 1 FROM "WebhookAttempt" a WHERE a."deliveryId" = i.delivery_id)::int,
            i.trigger::"AttemptTrigger", i.started_at::timestamp(3), i.duration_ms, i.url, i.request_headers, i.status_code,
            i.response_headers, i.response_body, i.response_body_truncated, i.error_code, i.error, i.success
       FROM input i JOIN updated u ON u."id" = i.delivery_id
     RETURNING "deliveryId"`,
  // Lost in a database crash, an attempt record only means the delivery is sent again, same webhook-id.
  { relaxedDurability: true },
);

/** Records one attempt (see {@link recordAttempts}); throws LeaseLostError when the lease is no longer ours. */
export async function recordAttempt(db: DbClient, input: RecordInput): Promise<void> {
  const recorded = await recordAttempts(db, [input]);
  if (!recorded.has(input.delivery.id)) throw new LeaseLostError();
}

export type AttemptRecorder = (input: RecordInput) => Promise<void>;

export interface BatchedRecorderOptions extends Pick<GroupCommitOptions, "maxBatch" | "maxWrites" | "sleep" | "now"> {
  /**
   * How long a write that failed (the database restarting, a dropped
   * connection) is retried before the caller gets the error. Keep it under
   * the lease margin: while we retry, the lease still keeps others away, so
   * the attempt is recorded instead of being sent again later.
   */
  retryForMs?: number;
}

/**
 * Group commit for a busy worker ({@link groupCommit}): attempts finishing
 * while a write is in flight are written together by the next statement, so a
 * worker with hundreds of attempts in flight commits a few times per round
 * trip instead of once per attempt. Each caller still learns its own outcome
 * (LeaseLostError, or the error once retries are used up). A failed write is
 * retried with back-off, each attempt alone.
 */
export function batchedRecorder(db: DbClient, options: BatchedRecorderOptions = {}): AttemptRecorder {
  const retryForMs = options.retryForMs ?? 20_000;
  const now = options.now ?? Date.now;
  return groupCommit<RecordInput, void>(
    async (inputs) => {
      const recorded = await recordAttempts(db, inputs);
      return inputs.map((input) => (recorded.has(input.delivery.id) ? undefined : new LeaseLostError()));
    },
    {
      ...options,
      now,
      retry: (error, { failures, submittedAt }) => {
        const delayMs = Math.min(250 * 2 ** (failures - 1), 4_000);
        if (now() + delayMs > submittedAt + retryForMs) return undefined;
        if (failures === 1) logger.warn({ err: error, delayMs }, "recording an attempt failed; retrying");
        return delayMs;
      },
    },
  );
}
