import crypto from "node:crypto";
import { WebhookError } from "./errors";
import { standardSigningKey } from "./secrets";
import { ED25519_SIGNATURE_BYTES, isPrivateKeyString, PUBLIC_KEY_PREFIX, signEd25519, verifyEd25519 } from "./signing-keys";

/**
 * Outbound webhook signatures. Every attempt carries:
 * - Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), which covers the
 *   timestamp (replay window): a `v1,` HMAC-SHA256 entry per shared `whsec_` secret, checkable
 *   with any standardwebhooks library, or a `v1a,` Ed25519 entry per `whsk_` private key
 *   (signing-keys.ts), checkable with the endpoint's `whpk_` public key;
 * - a classic hex HMAC-SHA256 of the body (`x-webhook-signature`) for simple receivers, keyed
 *   with the newest shared secret — so never on an Ed25519-only endpoint, which has none.
 * All are computed over the exact body bytes that are sent: receivers must verify the raw
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
  /**
   * Newest first; all of them sign `webhook-signature` (`whsk_` private keys as `v1a`, anything
   * else as `v1`). The first one that is not a `whsk_` key signs the classic header.
   */
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
 * Lowercase hex HMAC-SHA256 (64 characters) keyed with `secret` as UTF-8 (a `whsec_` secret too:
 * the whole string, prefix included, is the key — the legacy `x-webhook-signature`), over `payload` itself
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
 * The Standard Webhooks `webhook-signature` value over `${messageId}.${timestamp}.${body}`: one
 * entry per secret, in the order given, joined by single spaces, so during a rotation (or a
 * change of scheme) a receiver holding either the old or the new key verifies.
 * - A `whsk_` Ed25519 private key (signing-keys.ts) gives `v1a,<base64 of the 64-byte signature>`.
 * - Any other non-empty string gives `v1,<base64 HMAC-SHA256>`. The key of a `whsec_` secret is
 *   its decoded base64 part; any other string is keyed with its UTF-8 bytes
 *   ({@link standardSigningKey}) — which the standardwebhooks libraries cannot verify, since they
 *   expect `whsec_` + base64.
 * Throws {@link WebhookError} `invalid_input` for an empty list, an empty or non-string secret, a
 * `whsk_` string that is not base64 of 32 bytes, an empty message id or a timestamp that is not
 * whole non-negative seconds.
 */
export function signStandardWebhook(input: StandardWebhookInput): string {
  const { messageId, timestamp, body, secrets } = input;
  if (secrets.length === 0) throw new WebhookError("invalid_input", "at least one signing secret is required");
  if (!messageId) throw new WebhookError("invalid_input", "messageId must not be empty");
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new WebhookError("invalid_input", "timestamp must be whole unix seconds");
  const signed = Buffer.from(`${messageId}.${timestamp}.${body}`, "utf8");
  return secrets
    .map((secret, index) => {
      // Position only: the secret itself must never reach an error message or log.
      if (isPrivateKeyString(secret)) {
        try {
          return `v1a,${signEd25519(signed, secret).toString("base64")}`;
        } catch (error) {
          throw new WebhookError("invalid_input", `signing key ${index + 1} is not a valid Ed25519 private key (whsk_ + base64 of 32 bytes)`, { cause: error });
        }
      }
      const key = standardSigningKey(secret);
      if (!key) throw new WebhookError("invalid_input", `signing secret ${index + 1} is empty or not a string`);
      return `v1,${crypto.createHmac("sha256", key).update(signed).digest("base64")}`;
    })
    .join(" ");
}

type StandardWebhookVerifyParts = {
  /** The `webhook-id` header. */
  messageId: string;
  /** The `webhook-timestamp` header: whole unix seconds, as received. */
  timestamp: string;
  /** The raw body as received. */
  body: string;
  /** The `webhook-signature` header: space-separated `v1,<base64>` and `v1a,<base64>` entries. */
  signature: string;
};

export type StandardWebhookVerifyInput =
  /** A shared secret (`whsec_…`) checks `v1` entries; a `whpk_…` given here is used as `publicKey`. */
  | (StandardWebhookVerifyParts & { secret: string; publicKey?: undefined })
  /** An Ed25519 public key (`whpk_…`) checks `v1a` entries. */
  | (StandardWebhookVerifyParts & { publicKey: string; secret?: undefined });

const BASE64_SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{86}==$/;

/**
 * True when one entry of a `webhook-signature` header is the Standard Webhooks signature of
 * `${messageId}.${timestamp}.${body}`:
 * - with `secret`, a `v1,` entry equal to {@link signStandardWebhook}'s (compared in constant time);
 * - with `publicKey` (`whpk_…`, or a `secret` that starts with `whpk_`), a `v1a,` entry that is a
 *   valid Ed25519 signature by that key (its base64 must be canonical: 64 bytes, padded).
 * Checks the signature only: a receiver should also refuse timestamps outside its replay window.
 * Never throws: missing or malformed parts and an invalid key give `false`.
 */
export function verifyStandardWebhookSignature(input: StandardWebhookVerifyInput): boolean {
  const { messageId, timestamp, body, signature } = input;
  if (typeof signature !== "string" || typeof timestamp !== "string" || !/^\d{1,15}$/.test(timestamp)) return false;
  const publicKey = input.publicKey ?? (typeof input.secret === "string" && input.secret.startsWith(PUBLIC_KEY_PREFIX) ? input.secret : undefined);
  if (publicKey !== undefined) {
    if (typeof messageId !== "string" || messageId === "" || typeof body !== "string") return false;
    const signed = Buffer.from(`${messageId}.${timestamp}.${body}`, "utf8");
    return signature.split(" ").some((entry) => {
      if (!entry.startsWith("v1a,")) return false;
      const encoded = entry.slice("v1a,".length);
      if (!BASE64_SIGNATURE_PATTERN.test(encoded)) return false;
      const bytes = Buffer.from(encoded, "base64");
      return bytes.length === ED25519_SIGNATURE_BYTES && bytes.toString("base64") === encoded && verifyEd25519(signed, bytes, publicKey);
    });
  }
  let expected: Buffer;
  try {
    expected = Buffer.from(signStandardWebhook({ messageId, timestamp: Number(timestamp), body, secrets: [input.secret ?? ""] }), "utf8");
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
 * receiver's replay window. `x-webhook-signature` is keyed with the first shared secret of
 * `secrets` and left out when every one is a `whsk_` private key: an Ed25519 endpoint has no
 * shared secret, and a header any holder of a shared secret could forge would undo the point
 * of a key pair. Throws {@link WebhookError} `invalid_input` like {@link signStandardWebhook},
 * or for an invalid `attemptAt`.
 */
export function buildWebhookHeaders(input: WebhookHeadersInput): Record<string, string> {
  const { messageId, eventType, eventTimestamp, body, secrets, attemptAt } = input;
  const timestamp = Math.floor(attemptAt.getTime() / 1000);
  if (!Number.isFinite(timestamp)) throw new WebhookError("invalid_input", "attemptAt is not a valid date");
  const standardSignature = signStandardWebhook({ messageId, timestamp, body, secrets });
  const sharedSecret = secrets.find((secret) => !isPrivateKeyString(secret));
  return {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "x-webhook-event": eventType,
    "x-webhook-timestamp": eventTimestamp,
    ...(sharedSecret === undefined ? {} : { "x-webhook-signature": generateHmacSignature(body, sharedSecret) }),
    "webhook-id": messageId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standardSignature,
  };
}
