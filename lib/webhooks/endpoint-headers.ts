import { WebhookValidationError } from "@/lib/webhooks/errors";
import { decryptSecret, encryptSecret, getKeyRing, type KeyRing, signingSecrets, type StoredSecrets } from "@/lib/webhooks/secrets";

/**
 * Custom headers an endpoint sends on every attempt (an `Authorization` for a receiver
 * behind a gateway, a routing key). Their values are credentials: sealed at rest like the
 * signing secret (AES-256-GCM, bound to the endpoint), never shown again after saving, and
 * masked in attempt logs. Their names are kept in clear for display.
 */

export const ENDPOINT_HEADERS_MAX = 20;
/** Names and values together, in UTF-8 bytes. */
export const ENDPOINT_HEADERS_MAX_BYTES = 4 * 1024;
/** What a custom header's value reads as wherever it is shown after saving. */
export const HEADER_VALUE_MASK = "••••••••";

/**
 * Headers the platform sets itself or that describe the connection: a custom value would
 * break the request, its framing or its signature, so they are refused.
 */
export const REFUSED_HEADER_NAMES: readonly string[] = [
  "host",
  "content-length",
  "content-type",
  "user-agent",
  // Hop-by-hop (RFC 9110 §7.6.1) and framing headers.
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  // W3C trace context: the endpoint's traceparent switch sends ours (tracing.ts).
  "traceparent",
  "tracestate",
];
/** The signature and id headers (ours and Standard Webhooks'). */
export const REFUSED_HEADER_PREFIXES: readonly string[] = ["webhook-", "x-webhook-"];

/** RFC 9110 token characters. */
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII, spaces and tabs inside; no CR, LF or NUL (header injection), no leading or trailing blanks. */
const HEADER_VALUE_PATTERN = /^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$/;

export type EndpointHeaders = Record<string, string>;

/** Changes to an endpoint's saved headers: `set` adds or replaces (by name, any case), `remove` drops names. */
export interface HeaderChanges {
  set?: EndpointHeaders;
  remove?: string[];
}

const invalid = (message: string) => new WebhookValidationError("invalid_headers", message);

/** Why `name` cannot be a custom header, or undefined when it can. */
export function refusedHeaderName(name: string): string | undefined {
  if (!HEADER_NAME_PATTERN.test(name)) return `"${name.slice(0, 60)}" is not a valid header name (letters, digits and !#$%&'*+.^_\`|~- only)`;
  const lower = name.toLowerCase();
  if (REFUSED_HEADER_NAMES.includes(lower)) return `${name} is set by the platform or the connection and cannot be replaced`;
  if (REFUSED_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
    return `${name}: headers starting with ${REFUSED_HEADER_PREFIXES.join(" or ")} carry the webhook's id and signatures and cannot be set`;
  }
  return undefined;
}

/**
 * Checks a whole set of custom headers and returns it with names as given (two names that
 * differ only in case are one header, refused as a duplicate). Throws
 * WebhookValidationError `invalid_headers` saying what was wrong.
 */
export function normaliseHeaders(input: unknown): EndpointHeaders {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw invalid("headers must be an object of header names to string values");
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > ENDPOINT_HEADERS_MAX) throw invalid(`At most ${ENDPOINT_HEADERS_MAX} custom headers; got ${entries.length}`);
  const seen = new Set<string>();
  let bytes = 0;
  for (const [name, value] of entries) {
    const refused = refusedHeaderName(name);
    if (refused) throw invalid(refused);
    if (seen.has(name.toLowerCase())) throw invalid(`${name} is given twice (header names are case-insensitive)`);
    seen.add(name.toLowerCase());
    if (typeof value !== "string" || !HEADER_VALUE_PATTERN.test(value)) {
      throw invalid(`The value of ${name} must be a non-empty string of printable ASCII, without line breaks or leading or trailing spaces`);
    }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  if (bytes > ENDPOINT_HEADERS_MAX_BYTES) throw invalid(`Custom headers may hold at most ${ENDPOINT_HEADERS_MAX_BYTES} bytes of names and values; these hold ${bytes}`);
  return Object.fromEntries(entries) as EndpointHeaders;
}

/** `current` with `changes` applied (names matched case-insensitively), checked as a whole. */
export function applyHeaderChanges(current: EndpointHeaders, changes: HeaderChanges): EndpointHeaders {
  const drop = new Set([...(changes.remove ?? []), ...Object.keys(changes.set ?? {})].map((name) => String(name).toLowerCase()));
  const kept = Object.entries(current).filter(([name]) => !drop.has(name.toLowerCase()));
  return normaliseHeaders({ ...Object.fromEntries(kept), ...(changes.set ?? {}) });
}

/** Associated data that binds sealed headers to their endpoint, apart from its secret. */
const headersAad = (endpointId: string) => `${endpointId}/headers`;

/** The columns that store `headers` for endpoint `endpointId`. */
export function sealHeaders(headers: EndpointHeaders, endpointId: string, ring: KeyRing = getKeyRing()): { headersEncrypted: string | null; headerNames: string[] } {
  const names = Object.keys(headers);
  if (names.length === 0) return { headersEncrypted: null, headerNames: [] };
  return { headersEncrypted: encryptSecret(JSON.stringify(headers), headersAad(endpointId), ring), headerNames: names };
}

/** An endpoint's custom headers in clear. Throws SecretError `decryption_failed` when no key of `ring` opens them. */
export function openHeaders(row: { id: string; headersEncrypted: string | null }, ring: KeyRing = getKeyRing()): EndpointHeaders {
  if (!row.headersEncrypted) return {};
  return JSON.parse(decryptSecret(row.headersEncrypted, headersAad(row.id), ring)) as EndpointHeaders;
}

/**
 * Everything sealed that an attempt at `at` needs, opened: the signing secrets (the previous one
 * during its grace) and the custom headers. The one answer to "can this endpoint be sent to?",
 * for the send itself, the checks before a manual send, and the key-ring health check. Throws
 * SecretError `decryption_failed` when `ring` cannot open one of them.
 */
export function openAttemptCredentials(
  row: StoredSecrets & { headersEncrypted?: string | null },
  at: Date,
  ring: KeyRing = getKeyRing(),
): { secrets: string[]; headers: EndpointHeaders } {
  return { secrets: signingSecrets(row, at, ring), headers: openHeaders({ id: row.id, headersEncrypted: row.headersEncrypted ?? null }, ring) };
}

/** `sealed` opened and sealed again under the ring's primary key (key rotation). */
export function resealHeaders(sealed: string, endpointId: string, ring: KeyRing): string {
  return encryptSecret(decryptSecret(sealed, headersAad(endpointId), ring), headersAad(endpointId), ring);
}

/** Whether `ring` opens `sealed` (backup import checks). */
export function headersOpenWith(sealed: string, endpointId: string, ring: KeyRing): boolean {
  try {
    decryptSecret(sealed, headersAad(endpointId), ring);
    return true;
  } catch {
    return false;
  }
}

/** `headers` as an attempt log keeps them: the values of `customNames` masked. */
export function maskCustomHeaders(headers: Record<string, string>, customNames: readonly string[]): Record<string, string> {
  if (customNames.length === 0) return headers;
  const custom = new Set(customNames.map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, custom.has(name.toLowerCase()) ? HEADER_VALUE_MASK : value]));
}
