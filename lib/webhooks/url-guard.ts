import { WebhookValidationError } from "./errors";
import { isIpLiteral, isPublicAddress } from "./ip-address";

/** Longest endpoint URL we store; longer ones are almost always pasted garbage or smuggled data. */
const MAX_WEBHOOK_URL_LENGTH = 2048;

const ALLOWED_PROTOCOLS = new Set(["http:", "https:"]);

export type UrlValidationResult = { valid: boolean; error?: string };

/**
 * True when `WEBHOOK_ALLOW_PRIVATE_NETWORK` is exactly `"true"`, read from
 * `process.env` on every call. Off by default: it exists for local development
 * and self-hosted setups whose receivers live on the same network.
 */
export function allowPrivateNetwork(): boolean {
  return process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK === "true";
}

/**
 * True when `WEBHOOK_ALLOW_HTTP` is exactly `"true"`, read on every call: lets a
 * production build (whose code always sees NODE_ENV=production) accept plain
 * `http:` endpoints, for local demos and tests. Off by default.
 */
export function allowPlainHttp(): boolean {
  return process.env.WEBHOOK_ALLOW_HTTP === "true";
}

/**
 * Save-time check of an endpoint URL. Never throws: any non-string, empty or
 * unparseable input is `{ valid: false, error }`. Refuses, first match wins:
 * over 2048 characters; not a WHATWG URL; a scheme other than http/https; `http:`
 * when `NODE_ENV` is `"production"` (unless `WEBHOOK_ALLOW_HTTP=true`); a username or password; `localhost` or
 * `*.localhost`; an IP literal that is not publicly routable.
 *
 * Why: credentials in a URL end up in logs and UIs, and a webhook that can reach
 * loopback, private ranges or 169.254.169.254 is an SSRF into our own network.
 * IP checks use the WHATWG host, which already folds `0x7f.1`, `2130706433` and
 * `0177.0.0.1` into `127.0.0.1`. DNS names pass here on purpose: what they resolve
 * to can change after saving (rebinding), so the transport checks the resolved
 * address on every connect. `WEBHOOK_ALLOW_PRIVATE_NETWORK=true` lifts only the
 * localhost and IP rules.
 */
export function validateWebhookUrl(url: string): UrlValidationResult {
  if (typeof url !== "string") return { valid: false, error: "URL is not valid" };
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    return { valid: false, error: `URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` };
  }

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { valid: false, error: "URL is not valid" };
  }

  if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) return { valid: false, error: "URL must use http or https" };
  // Plain http would expose payloads and signatures to anyone on the path.
  if (parsed.protocol === "http:" && process.env.NODE_ENV === "production" && !allowPlainHttp()) {
    return { valid: false, error: "URL must use HTTPS in production" };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return { valid: false, error: "URL must not contain credentials" };
  }
  if (allowPrivateNetwork()) return { valid: true };

  // WHATWG lowercases the host; trailing dots ("localhost.") name the same host.
  const host = parsed.hostname.replace(/\.+$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) {
    return { valid: false, error: "URL must not point to localhost" };
  }
  if (isIpLiteral(host) && !isPublicAddress(host)) {
    return { valid: false, error: "URL must not point to a private IP address" };
  }
  return { valid: true };
}

/**
 * Returns the normalised URL (`new URL(url).toString()`) when
 * {@link validateWebhookUrl} accepts it.
 *
 * @throws WebhookValidationError with code `"invalid_url"` and the validation message otherwise.
 */
export function assertValidWebhookUrl(url: string): string {
  const result = validateWebhookUrl(url);
  if (!result.valid) throw new WebhookValidationError("invalid_url", result.error ?? "URL is not valid");
  return new URL(url).toString();
}
