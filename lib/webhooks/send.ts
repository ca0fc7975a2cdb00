import type { LookupFunction } from "node:net";
import { newId } from "@/lib/ids";
import { TransportError, WebhookValidationError } from "@/lib/webhooks/errors";
import { openAttemptCredentials } from "@/lib/webhooks/endpoint-headers";
import type { KeyRing, StoredSecrets } from "@/lib/webhooks/secrets";
import { buildWebhookHeaders } from "@/lib/webhooks/sign";
import { postWebhook, type TransportRequest, type TransportResponse } from "@/lib/webhooks/transport";
import { classify } from "@/lib/webhooks/retry-policy";
import { validateWebhookUrl } from "@/lib/webhooks/url-guard";

/**
 * The sender: every outbound webhook is signed and posted by {@link sendSigned}, through the
 * guarded transport. Nothing here reads or writes the database.
 */

export interface SignedSendResult {
  outcome: TransportResponse | TransportError;
  /** Headers as sent. */
  headers: Record<string, string>;
  /** Which of `headers` are the endpoint's custom headers (their values are credentials: logs mask them). */
  customHeaderNames: string[];
  durationMs: number;
}

export interface SignedSendInput {
  url: string;
  /** The stored body: signed and sent exactly as given. */
  body: string;
  messageId: string;
  eventType: string;
  eventTimestamp: string;
  /** Newest first; any non-empty strings (see signStandardWebhook for how each becomes a key). */
  secrets: string[];
  attemptAt: Date;
  /** The endpoint's custom headers (endpoint-headers.ts), sent before the platform's own. */
  customHeaders?: Record<string, string>;
  /** A W3C `traceparent` to send (the attempt span's, tracing.ts); not signed, like every header. */
  traceparent?: string;
  timeoutMs?: number;
  lookup?: LookupFunction;
  /** Certificate authorities trusted besides the system's (transport.ts). */
  ca?: readonly string[];
  /** What carries the signed request; default the guarded network transport. A listen stream passes its own (listen.ts). */
  post?: PostFunction;
}

/** Carries one signed request and reports the exchange, throwing TransportError when none happened ({@link postWebhook}'s contract). */
export type PostFunction = (request: TransportRequest) => Promise<TransportResponse>;

/** The W3C trace context headers (endpoint-headers.ts refuses them as custom headers). */
const TRACE_CONTEXT_HEADERS = ["traceparent", "tracestate"];

/**
 * The one send path: every outbound webhook — scheduled attempt, redelivery,
 * test event, quick `sendWebhook` — is signed and posted here, so the SSRF
 * guard, signing, deadline and body cap cannot drift apart. Never throws for
 * network outcomes: a failed exchange comes back as a TransportError outcome.
 */
export async function sendSigned(input: SignedSendInput): Promise<SignedSendResult> {
  let customHeaders = input.customHeaders ?? {};
  // A trace context is ours alone: a custom one saved before the names were refused must not travel beside it.
  if (input.traceparent) customHeaders = Object.fromEntries(Object.entries(customHeaders).filter(([name]) => !TRACE_CONTEXT_HEADERS.includes(name.toLowerCase())));
  // Custom names never collide with the platform's (endpoint-headers.ts refuses those), and ours come last regardless.
  const headers = {
    ...customHeaders,
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
    ...buildWebhookHeaders({
      messageId: input.messageId,
      eventType: input.eventType,
      eventTimestamp: input.eventTimestamp,
      body: input.body,
      secrets: input.secrets,
      attemptAt: input.attemptAt,
    }),
  };
  const customHeaderNames = Object.keys(customHeaders);
  const started = performance.now();
  try {
    const response = await (input.post ?? postWebhook)({ url: input.url, headers, body: input.body, timeoutMs: input.timeoutMs, lookup: input.lookup, ca: input.ca });
    return { outcome: response, headers, customHeaderNames, durationMs: response.durationMs };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    if (error instanceof TransportError) return { outcome: error, headers, customHeaderNames, durationMs };
    // A stored URL the transport cannot use is this attempt's (permanent) outcome, not a crash.
    if (error instanceof WebhookValidationError) return { outcome: new TransportError("invalid_url", error.message), headers, customHeaderNames, durationMs };
    throw error;
  }
}

/** How a send reaches the receiver: deadline, DNS lookup and extra trusted CAs (tests), key ring for the secrets. */
export interface SendOptions {
  timeoutMs?: number;
  lookup?: LookupFunction;
  ca?: readonly string[];
  /** Opens the endpoint secrets; default the process's key ring. */
  keyRing?: KeyRing;
  /** What carries the request; default the guarded network transport (see SignedSendInput). */
  post?: PostFunction;
}

/**
 * The stored delivery's exact body, signed with the endpoint's current secrets and carrying its
 * custom headers, through {@link sendSigned}. Throws SecretError, before anything is sent, when
 * `keyRing` (default: the process's) cannot open a secret or the sealed headers.
 */
export function sendStoredDelivery(
  delivery: {
    id: string;
    event: string;
    endpoint: StoredSecrets & { url: string; headersEncrypted: string | null };
    webhookEvent: { body: string; createdAt: Date };
    /** Sent as the `traceparent` header when given (the endpoint asked for it). */
    traceparent?: string;
  },
  attemptAt: Date,
  options: SendOptions = {},
): Promise<SignedSendResult> {
  // Decrypted before the call, so a SecretError is thrown here, synchronously, with nothing sent.
  const { secrets, headers: customHeaders } = openAttemptCredentials(delivery.endpoint, attemptAt, options.keyRing);
  return sendSigned({
    url: delivery.endpoint.url,
    body: delivery.webhookEvent.body,
    messageId: delivery.id,
    eventType: delivery.event,
    eventTimestamp: delivery.webhookEvent.createdAt.toISOString(),
    secrets,
    attemptAt,
    customHeaders,
    traceparent: delivery.traceparent,
    timeoutMs: options.timeoutMs,
    lookup: options.lookup,
    ca: options.ca,
    post: options.post,
  });
}

/** Quick in-process retries of `sendWebhook`: about 1 s, then 2 s. */
export const QUICK_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000];
export const QUICK_RETRY_JITTER_RATIO = 0.2;

export interface SendWebhookOptions {
  /** Total attempts, default 3. */
  maxAttempts?: number;
  timeoutMs?: number;
  eventType?: string;
  lookup?: LookupFunction;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
}

export interface SendWebhookResult {
  success: boolean;
  attempts: number;
  statusCode?: number;
  error?: string;
  durationMs: number;
  /** The last response's body (capped), when there was one. */
  responseBody?: string;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One immediate, in-process send with quick retries (network errors, timeouts,
 * 408, 429, 5xx; never other 4xx), through the same guarded, signed transport
 * as the worker. Nothing is stored. Never throws for delivery problems (an
 * invalid URL included): the result says what happened.
 *
 * `secret` may be any non-empty string, as in the classic guide (`'test-secret'`).
 * `x-webhook-signature` is keyed with the string as-is. `webhook-signature` is keyed
 * with the decoded base64 of a `whsec_` secret, else with the string's UTF-8 bytes:
 * the Standard Webhooks libraries need a `whsec_` secret, so a receiver of a plain
 * string's send should verify `x-webhook-signature`.
 * Throws WebhookValidationError("invalid_input") for an empty or non-string secret.
 */
export async function sendWebhook(url: string, payload: unknown, secret: string, options: SendWebhookOptions = {}): Promise<SendWebhookResult> {
  if (typeof secret !== "string" || secret === "") {
    throw new WebhookValidationError("invalid_input", "secret must be a non-empty string");
  }
  const check = validateWebhookUrl(url);
  if (!check.valid) return { success: false, attempts: 0, error: check.error, durationMs: 0 };
  const maxAttempts = options.maxAttempts ?? 3;
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  let body: string;
  try {
    body = typeof payload === "string" ? payload : JSON.stringify(payload);
  } catch (error) {
    return { success: false, attempts: 0, error: `Payload is not JSON-serialisable: ${(error as Error).message}`, durationMs: 0 };
  }
  const envelope = typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  const eventType = options.eventType ?? (typeof envelope.event === "string" ? envelope.event : "webhook.test");
  const eventTimestamp = typeof envelope.timestamp === "string" ? envelope.timestamp : now().toISOString();
  const messageId = newId("msg");

  let result: SendWebhookResult = { success: false, attempts: 0, durationMs: 0 };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { outcome } = await sendSigned({
      url,
      body,
      messageId,
      eventType,
      eventTimestamp,
      secrets: [secret],
      attemptAt: now(),
      timeoutMs: options.timeoutMs,
      lookup: options.lookup,
    });
    const verdict = classify(outcome);
    result =
      outcome instanceof TransportError
        ? { success: false, attempts: attempt, error: outcome.message, durationMs: 0 }
        : {
            success: verdict.kind === "success",
            attempts: attempt,
            statusCode: outcome.status,
            error: verdict.kind === "success" ? undefined : `HTTP ${outcome.status}`,
            durationMs: 0,
            responseBody: outcome.body,
          };
    if (verdict.kind !== "retry" || attempt === maxAttempts) break;
    const base = QUICK_RETRY_DELAYS_MS[Math.min(attempt - 1, QUICK_RETRY_DELAYS_MS.length - 1)]!;
    await sleep(Math.round(base * (1 + QUICK_RETRY_JITTER_RATIO * (2 * random() - 1))));
  }
  return { ...result, durationMs: Math.round(performance.now() - started) };
}
