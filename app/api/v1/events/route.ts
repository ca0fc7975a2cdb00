import { ingestEvent } from "@/lib/http/ingest";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute } from "@/lib/http/route";
import { sendWebhookNotification } from "@/lib/webhooks";
import { memberSource, rawJson } from "@/lib/webhooks/raw-json";
import { MAX_PAYLOAD_BYTES } from "@/lib/webhooks/events";

export const dynamic = "force-dynamic";

/**
 * Ingest API for backend code in any language: `Authorization: Bearer <org API
 * key>`. 202 with the event id for a new event; 200 with the same id for a
 * repeat of an idempotency key. 429 with Retry-After past the per-key or
 * per-organization rate limit (RATE_LIMIT_INGEST_*), shared by every process.
 * `data` is delivered as the producer sent it, byte for byte (large integers,
 * number formats and key order survive): it is checked, never rebuilt.
 */
export const POST = apiRoute({ access: "api_key", scope: "events:write", body: ingestEvent, maxBodyBytes: MAX_PAYLOAD_BYTES + 1024 }, async ({ actor, body, rawBody }) => {
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
