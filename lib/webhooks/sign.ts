import crypto from "node:crypto";
import { WebhookError } from "./errors";
import { decodeSecret } from "./secrets";

/**
 * Outbound webhook signatures. Every attempt carries two schemes:
 * - Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), which receivers
 *   can check with any standardwebhooks library and which covers the timestamp (replay window);
 * - a classic hex HMAC-SHA256 of the body (`x-webhook-signature`) for simple receivers.
 * Both are computed over the exact body bytes that are sent: receivers must verify the raw
 * body, never a re-serialised parse of it.
 */

/** Identifies the sender: the product only, no host, runtime or version details. */
export const USER_AGENT = "Webhooks/1.0 (+https://github.com/webhook-platform)";

const HEX_SIGNATURE_PATTERN = /^[0-9a-f]{64}$/i;

export type StandardWebhookInput = { messageId: string; timestamp: number; body: string; secrets: string[] };

export type WebhookHeadersInput = {
  messageId: string;
  eventType: string;
  /** ISO time the event happened; the same on every attempt. */
  eventTimestamp: string;
  /** The serialised body, exactly as it will be sent. */
  body: string;
  /** Newest first: `secrets[0]` signs the classic header; all of them sign `webhook-signature`. */
  secrets: string[];
  attemptAt: Date;
};

function serialise(payload: unknown): string {
  if (typeof payload === "string") return payload;
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new WebhookError("invalid_payload", "payload cannot be serialised to JSON (BigInt or circular reference)", { cause: error });
  }
  if (text === undefined) throw new WebhookError("invalid_payload", "payload serialises to nothing (undefined or a function)");
  return text;
}

/**
 * Lowercase hex HMAC-SHA256 (64 characters) keyed with `secret` as UTF-8, over `payload` itself
 * when it is a string, otherwise over `JSON.stringify(payload)`. Deterministic. Pass the exact
 * body string you send: re-stringifying parsed JSON can change the bytes and the signature.
 * Throws {@link WebhookError} `invalid_payload` when the payload cannot be serialised.
 */
export function generateHmacSignature(payload: unknown, secret: string): string {
  return crypto.createHmac("sha256", secret).update(serialise(payload), "utf8").digest("hex");
}

/**
 * True only when `signature` is the hex HMAC-SHA256 of `payload` under `secret` (hex case is
 * ignored: the decoded 32 bytes are compared). The comparison is constant-time
 * (`crypto.timingSafeEqual`) so response timing does not reveal how many bytes matched.
 * Never throws: a wrong, malformed, empty, wrong-length or non-string signature and an
 * unserialisable payload all give `false`.
 */
export function verifyWebhookSignature(payload: unknown, signature: string, secret: string): boolean {
  if (typeof signature !== "string" || !HEX_SIGNATURE_PATTERN.test(signature)) return false;
  try {
    const expected = Buffer.from(generateHmacSignature(payload, secret), "hex");
    const received = Buffer.from(signature, "hex");
    return expected.length === received.length && crypto.timingSafeEqual(expected, received);
  } catch {
    return false;
  }
}

/**
 * The Standard Webhooks `webhook-signature` value: `v1,<base64 HMAC-SHA256>` of
 * `${messageId}.${timestamp}.${body}` for each secret (key = the base64 after `whsec_`), joined
 * by single spaces, so during a rotation a receiver holding either the old or the new secret
 * verifies. Throws {@link WebhookError} `invalid_input` for an empty list, a secret that is not
 * `whsec_` + base64 of at least 24 bytes, an empty message id or a timestamp that is not whole
 * non-negative seconds.
 */
export function signStandardWebhook(input: StandardWebhookInput): string {
  const { messageId, timestamp, body, secrets } = input;
  if (secrets.length === 0) throw new WebhookError("invalid_input", "at least one signing secret is required");
  if (!messageId) throw new WebhookError("invalid_input", "messageId must not be empty");
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new WebhookError("invalid_input", "timestamp must be whole unix seconds");
  const signed = Buffer.from(`${messageId}.${timestamp}.${body}`, "utf8");
  return secrets
    .map((secret, index) => {
      const key = decodeSecret(secret);
      // Position only: the secret itself must never reach an error message or log.
      if (!key) throw new WebhookError("invalid_input", `signing secret ${index + 1} is not whsec_ + base64 of at least 24 bytes`);
      return `v1,${crypto.createHmac("sha256", key).update(signed).digest("base64")}`;
    })
    .join(" ");
}

export type StandardWebhookVerifyInput = {
  /** The `webhook-id` header. */
  messageId: string;
  /** The `webhook-timestamp` header: whole unix seconds, as received. */
  timestamp: string;
  /** The raw body as received. */
  body: string;
  /** The `webhook-signature` header: space-separated `v1,<base64>` entries. */
  signature: string;
  secret: string;
};

/**
 * True when any `v1,` entry of a `webhook-signature` header is the Standard Webhooks signature of
 * `${messageId}.${timestamp}.${body}` under `secret` (the same computation as
 * {@link signStandardWebhook}, compared in constant time). Checks the signature only: a receiver
 * should also refuse timestamps outside its replay window. Never throws: missing or malformed
 * parts and an invalid secret give `false`.
 */
export function verifyStandardWebhookSignature(input: StandardWebhookVerifyInput): boolean {
  const { messageId, timestamp, body, signature, secret } = input;
  if (typeof signature !== "string" || typeof timestamp !== "string" || !/^\d{1,15}$/.test(timestamp)) return false;
  let expected: Buffer;
  try {
    expected = Buffer.from(signStandardWebhook({ messageId, timestamp: Number(timestamp), body, secrets: [secret] }), "utf8");
  } catch {
    return false;
  }
  // Compared as text, so a lenient base64 decoder cannot accept junk characters.
  return signature.split(" ").some((entry) => {
    const received = Buffer.from(entry, "utf8");
    return received.length === expected.length && crypto.timingSafeEqual(received, expected);
  });
}

/**
 * Every header of one delivery attempt (names lower-case). `webhook-id` is the message id and
 * stays the same on retries so receivers can deduplicate; `webhook-timestamp` is the attempt
 * time and the signatures are recomputed each attempt, so a retry hours later is still inside a
 * receiver's replay window. Throws {@link WebhookError} `invalid_input` like
 * {@link signStandardWebhook}, or for an invalid `attemptAt`.
 */
export function buildWebhookHeaders(input: WebhookHeadersInput): Record<string, string> {
  const { messageId, eventType, eventTimestamp, body, secrets, attemptAt } = input;
  const timestamp = Math.floor(attemptAt.getTime() / 1000);
  if (!Number.isFinite(timestamp)) throw new WebhookError("invalid_input", "attemptAt is not a valid date");
  const standardSignature = signStandardWebhook({ messageId, timestamp, body, secrets });
  return {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "x-webhook-event": eventType,
    "x-webhook-timestamp": eventTimestamp,
    // secrets[0] exists: signStandardWebhook refused an empty list.
    "x-webhook-signature": generateHmacSignature(body, secrets[0] ?? ""),
    "webhook-id": messageId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standardSignature,
  };
}
