import { WebhookValidationError } from "./errors";
import { isDevelopmentStart, isProduction } from "@/lib/run-mode";
import { isInCidrs, isIpLiteral, isLinkLocalOrMetadata, isPublicAddress, parseCidrList, type Cidr } from "@/lib/ip-address";

/** Longest endpoint URL we store; longer ones are almost always pasted garbage or smuggled data. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

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
 * (below). Never throws: any non-string, empty or unparseable input
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

/**
 * Where webhooks may go, by run mode. One policy serves the save-time URL check
 * (url-guard.ts) and the connect-time check (transport.ts), so they cannot drift.
 */
export interface NetworkPolicy {
  /** `http://` endpoints are accepted. */
  allowHttp: boolean;
  /** Every loopback and private destination is allowed (development). */
  allowPrivateNetwork: boolean;
  /** Private destinations opened one range at a time (`WEBHOOK_ALLOWED_PRIVATE_CIDRS`). */
  allowedPrivateCidrs: readonly Cidr[];
}

let cachedCidrs: { source: string | undefined; ranges: readonly Cidr[] } = { source: undefined, ranges: [] };

/** `WEBHOOK_ALLOWED_PRIVATE_CIDRS`, parsed once per distinct value (validated at start by lib/env.ts). */
function allowedPrivateCidrs(): readonly Cidr[] {
  const source = process.env.WEBHOOK_ALLOWED_PRIVATE_CIDRS;
  if (cachedCidrs.source !== source) cachedCidrs = { source, ranges: Object.freeze(parseCidrList(source)) };
  return cachedCidrs.ranges;
}

/**
 * The policy in force, read at call time:
 * - production: https only; private destinations only inside
 *   `WEBHOOK_ALLOWED_PRIVATE_CIDRS` (`WEBHOOK_ALLOW_PRIVATE_NETWORK` and
 *   `WEBHOOK_ALLOW_HTTP` are ignored here and refused at start);
 * - an app or worker started in development: http and private destinations allowed;
 * - no start-up decided the mode (a library caller, tests): http allowed, private
 *   destinations only with `WEBHOOK_ALLOW_PRIVATE_NETWORK=true` or the allowlist.
 * Link-local and metadata addresses are refused in every case (see {@link isDestinationAllowed}).
 */
export function currentNetworkPolicy(): NetworkPolicy {
  const ranges = allowedPrivateCidrs();
  if (isProduction()) return { allowHttp: false, allowPrivateNetwork: false, allowedPrivateCidrs: ranges };
  if (isDevelopmentStart()) return { allowHttp: true, allowPrivateNetwork: true, allowedPrivateCidrs: ranges };
  return { allowHttp: true, allowPrivateNetwork: process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK === "true", allowedPrivateCidrs: ranges };
}

/** Why an address is refused, or null when the policy lets a webhook connect to it. */
export function refusalFor(address: string, policy: Pick<NetworkPolicy, "allowPrivateNetwork" | "allowedPrivateCidrs">): "metadata" | "private" | null {
  if (isLinkLocalOrMetadata(address)) return "metadata";
  if (isPublicAddress(address) || policy.allowPrivateNetwork || isInCidrs(address, policy.allowedPrivateCidrs)) return null;
  return "private";
}

/** True when a webhook may connect to `address` under `policy`. */
export function isDestinationAllowed(address: string, policy: Pick<NetworkPolicy, "allowPrivateNetwork" | "allowedPrivateCidrs">): boolean {
  return refusalFor(address, policy) === null;
}
