import { WebhookValidationError } from "@/lib/webhooks/errors";
import { RawJson } from "@/lib/webhooks/raw-json";

/** `resource.action`, lower case: `invoice.paid`, `user.profile_updated`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
export const EVENT_TYPE_MAX_LENGTH = 128;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** Largest serialised envelope we accept; bigger payloads should carry an id to fetch instead. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** The envelope every endpoint receives, serialised once at enqueue. */
export interface WebhookEnvelope<T = unknown> {
  event: string;
  idempotencyKey: string;
  timestamp: string;
  data: T;
}

export function assertEventType(event: unknown): asserts event is string {
  if (typeof event !== "string" || event.length > EVENT_TYPE_MAX_LENGTH || !EVENT_TYPE_PATTERN.test(event)) {
    throw new WebhookValidationError(
      "invalid_event_type",
      `Event type must look like "resource.action" (lower case letters, digits and underscores, dot-separated, at most ${EVENT_TYPE_MAX_LENGTH} characters); got ${JSON.stringify(String(event)).slice(0, 80)}`,
    );
  }
}

/**
 * Event names the platform itself emits (`endpoint.disabled`, `delivery.exhausted`,
 * `webhook.test`, `ops.alerts_changed`): a tenant or the host app sending one could
 * forge what receivers trust as the platform's own word, so these prefixes are refused
 * for every event that does not come from the engine.
 */
export const RESERVED_EVENT_PREFIXES = ["endpoint.", "delivery.", "webhook.", "ops."] as const;

export function isReservedEventType(event: string): boolean {
  return RESERVED_EVENT_PREFIXES.some((prefix) => event.startsWith(prefix));
}

/** Throws WebhookValidationError `reserved_event_type` for a platform event name. */
export function assertNotReservedEventType(event: string): void {
  if (isReservedEventType(event)) {
    throw new WebhookValidationError(
      "reserved_event_type",
      `Event types starting with ${RESERVED_EVENT_PREFIXES.map((prefix) => `"${prefix}"`).join(", ")} are reserved for the platform's own events; got ${JSON.stringify(event)}`,
    );
  }
}

export function assertIdempotencyKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw new WebhookValidationError(
      "invalid_idempotency_key",
      `Idempotency key must be a non-empty string of at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`,
    );
  }
  // PostgreSQL text cannot hold U+0000, and a lone surrogate has no UTF-8 form: either would be stored altered or refused.
  if (key.includes("\u0000") || /\p{Surrogate}/u.test(key)) {
    throw new WebhookValidationError("invalid_idempotency_key", "Idempotency key must be well-formed Unicode without NUL characters");
  }
}

/**
 * Serialises the envelope once; these exact bytes are stored, signed and sent on
 * every attempt. `data` given as {@link RawJson} is embedded verbatim. Throws a
 * validation error for data JSON cannot represent (undefined, functions,
 * symbols, BigInt, cycles) and for bodies over the cap.
 */
export function serializeEnvelope(envelope: WebhookEnvelope): string {
  if (envelope.data === undefined || typeof envelope.data === "function" || typeof envelope.data === "symbol") {
    throw new WebhookValidationError("invalid_payload", "Event data must be JSON-serialisable (got undefined, a function or a symbol)");
  }
  let body: string;
  try {
    if (envelope.data instanceof RawJson) {
      // The same key order as below, with the producer's bytes in place of a re-serialised value.
      const head = JSON.stringify({ event: envelope.event, idempotencyKey: envelope.idempotencyKey, timestamp: envelope.timestamp });
      body = `${head.slice(0, -1)},"data":${envelope.data.text}}`;
    } else body = JSON.stringify(envelope);
  } catch (error) {
    throw new WebhookValidationError("invalid_payload", `Event data must be JSON-serialisable: ${(error as Error).message}`);
  }
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new WebhookValidationError("payload_too_large", `Event body is ${bytes} bytes; the limit is ${MAX_PAYLOAD_BYTES} bytes`);
  }
  return body;
}

/** The declared event types, with a schema and an example each (event-catalogue.ts). */
export { EVENT_CATALOGUE, type EventTypeDefinition } from "@/lib/webhooks/event-catalogue";
