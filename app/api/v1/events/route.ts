import { ingestEvent } from "@/lib/http/ingest";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute } from "@/lib/http/route";
import { sendWebhookNotification } from "@/lib/webhooks";
import { memberSource, rawJson } from "@/lib/webhooks/raw-json";
import { MAX_PAYLOAD_BYTES } from "@/lib/webhooks/events";
import { ingestResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

/**
 * Ingest API for backend code in any language: `Authorization: Bearer <org API
 * key>`. 202 with the event id for a new event; 200 with the same id for a
 * repeat of an idempotency key. 429 with Retry-After past the per-key or
 * per-organization rate limit (RATE_LIMIT_INGEST_*), shared by every process.
 * `data` is delivered as the producer sent it, byte for byte (large integers,
 * number formats and key order survive): it is checked, never rebuilt.
 */
export const POST = apiRoute({
  access: "api_key",
  scope: "events:write",
  body: ingestEvent,
  maxBodyBytes: MAX_PAYLOAD_BYTES + 1024,
  summary: "Send an event",
  description: "Stores the event and a delivery for each subscribed endpoint. `data` is delivered byte for byte as sent (large integers, number formats and key order survive). A repeat of an idempotency key answers 200 with the first event's id.",
  responses: { 202: ingestResponse, 200: { description: "A repeat of an idempotency key: the first event's id, nothing new stored", json: ingestResponse } },
  errors: {
    413: "`payload_too_large`: `data` over the payload limit",
    422: "`invalid_payload` (data does not match its catalogue type; `issues`), `undeclared_event_type`, `reserved_event_type`, `invalid_event_type`, `invalid_idempotency_key`, `invalid_ordering_key`",
    429: "`rate_limited`: RATE_LIMIT_INGEST_PER_KEY or RATE_LIMIT_INGEST_PER_ORGANIZATION, with Retry-After",
  },
}, async ({ actor, body, rawBody }) => {
  await enforceRateLimit("ingestPerKey", actor.apiKeyId!);
  await enforceRateLimit("ingestPerOrganization", actor.organizationId);
  // The body parsed as an object with `data`, so its source is there.
  const data = rawJson(memberSource(rawBody, "data")!);
  const result = await sendWebhookNotification(actor.organizationId, body.event, body.idempotencyKey, data, { orderingKey: body.orderingKey });
  return Response.json(
    { eventId: result.eventId, deliveries: result.deliveries.length, duplicate: result.duplicate },
    { status: result.duplicate ? 200 : 202 },
  );
});
