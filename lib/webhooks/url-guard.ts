import { WebhookValidationError } from "./errors";
import { isIpLiteral } from "./ip-address";
import { currentNetworkPolicy, isDestinationAllowed, refusalFor } from "./network-policy";

/** Longest endpoint URL we store; longer ones are almost always pasted garbage or smuggled data. */
const MAX_WEBHOOK_URL_LENGTH = 2048;

const ALLOWED_PROTOCOLS = new Set(["http:", "https:"]);

export type UrlValidationResult = { valid: boolean; error?: string };

/**
 * True when private and loopback receivers are allowed by the policy in force
 * (an app started in development, or `WEBHOOK_ALLOW_PRIVATE_NETWORK=true` where
 * no start-up decided the mode; never in production). Read on every call.
 */
export function allowPrivateNetwork(): boolean {
  return currentNetworkPolicy().allowPrivateNetwork;
}

/** True when plain `http://` endpoints are accepted (everywhere but production). Read on every call. */
export function allowPlainHttp(): boolean {
  return currentNetworkPolicy().allowHttp;
}

/**
 * Save-time check of an endpoint URL under the network policy in force
 * (network-policy.ts). Never throws: any non-string, empty or unparseable input
 * is `{ valid: false, error }`. Refuses, first match wins: over 2048 characters;
 * not a WHATWG URL; a scheme other than http/https; a username or password; a
 * link-local or cloud-metadata IP (every mode); `localhost` / `*.localhost` or a
 * non-public IP literal, unless the policy opens it; `http:` in production.
 * Where a URL breaks both kinds of rule, the address reason comes first: it is
 * the one that matters (`http://169.254.169.254/` is a metadata address before
 * it is plain http).
 *
 * Why: credentials in a URL end up in logs and UIs, and a webhook that can reach
 * loopback, private ranges or 169.254.169.254 is an SSRF into our own network.
 * IP checks use the WHATWG host, which already folds `0x7f.1`, `2130706433` and
 * `0177.0.0.1` into `127.0.0.1`. DNS names pass here on purpose: what they resolve
 * to can change after saving (rebinding), so the transport checks the resolved
 * address on every connect with the same policy.
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
  if (parsed.username !== "" || parsed.password !== "") {
    return { valid: false, error: "URL must not contain credentials" };
  }

  const policy = currentNetworkPolicy();
  // WHATWG lowercases the host; trailing dots ("localhost.") name the same host.
  const host = parsed.hostname.replace(/\.+$/, "");
  if (isIpLiteral(host)) {
    const refusal = refusalFor(host, policy);
    if (refusal === "metadata") {
      return { valid: false, error: "URL must not point to a private IP address: link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10) are never reachable" };
    }
    if (refusal === "private") return { valid: false, error: "URL must not point to a private IP address" };
  } else if ((host === "localhost" || host.endsWith(".localhost")) && !isDestinationAllowed("127.0.0.1", policy)) {
    return { valid: false, error: "URL must not point to localhost" };
  }
  // Plain http would expose payloads and signatures to anyone on the path.
  if (parsed.protocol === "http:" && !policy.allowHttp) {
    return { valid: false, error: "URL must use HTTPS in production" };
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
