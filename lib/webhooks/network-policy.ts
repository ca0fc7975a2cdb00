import { isDevelopmentStart, isProduction } from "@/lib/run-mode";
import { isInCidrs, isLinkLocalOrMetadata, isPublicAddress, parseCidrList, type Cidr } from "./ip-address";

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
