import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import { getEnv } from "@/lib/env";
import { isInCidrs, type Cidr } from "@/lib/ip-address";

/**
 * The header that carries the client's address into the app. `npm start`'s
 * server writes it on every request from the socket peer (and `X-Forwarded-For`
 * only when that peer is a trusted proxy), replacing anything the client sent;
 * better-auth reads it for rate limits and session addresses.
 */
export const CLIENT_IP_HEADER = "x-webhooks-client-ip";

export interface ClientAddressOptions {
  /** The socket peer (`req.socket.remoteAddress`). */
  peer: string | undefined;
  /** `X-Forwarded-For` as received (Node joins repeats, or gives an array). */
  forwardedFor: string | string[] | undefined;
  /** `TRUSTED_PROXIES`: peers allowed to name the client. */
  trustedProxies: readonly Cidr[];
}

function isAddress(value: string): boolean {
  return ipaddr.isValid(value);
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy; then the
 * right-most `X-Forwarded-For` hop that is not a trusted proxy. The left part of
 * that header is whatever the client wrote, so it is never taken on its own word.
 * A hop that is not an address stops the walk at the last trusted hop before it.
 * Undefined when the peer is unknown.
 */
export function clientAddress(options: ClientAddressOptions): string | undefined {
  const { peer, trustedProxies } = options;
  if (!peer) return undefined;
  if (!isInCidrs(peer, trustedProxies)) return peer;
  const header = Array.isArray(options.forwardedFor) ? options.forwardedFor.join(",") : (options.forwardedFor ?? "");
  const hops = header
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  let nearest = peer;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index]!;
    if (!isAddress(hop)) return nearest;
    if (!isInCidrs(hop, trustedProxies)) return hop;
    nearest = hop;
  }
  return nearest;
}

/**
 * Sets {@link CLIENT_IP_HEADER} on an incoming request, always overwriting (or
 * removing) what the client sent. Called by `npm start`'s server for every request.
 */
export function stampClientAddress(req: IncomingMessage, trustedProxies: readonly Cidr[] = getEnv().trustedProxies): void {
  const address = clientAddress({ peer: req.socket.remoteAddress, forwardedFor: req.headers["x-forwarded-for"], trustedProxies });
  if (address) req.headers[CLIENT_IP_HEADER] = address;
  else delete req.headers[CLIENT_IP_HEADER];
}
