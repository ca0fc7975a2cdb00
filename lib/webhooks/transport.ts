import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { readFileSync } from "node:fs";
import { isIP, type LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import tls from "node:tls";
import { Agent, buildConnector, type Dispatcher, ProxyAgent } from "undici";
import { TransportError, WebhookValidationError } from "./errors";
import { currentNetworkPolicy, isDestinationAllowed, type NetworkPolicy } from "./url-guard";

/** One deadline for the whole exchange (connect, headers and capped body). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** How much of a receiver's response body we read and keep; the rest is never downloaded. */
export const RESPONSE_BODY_CAP_BYTES = 64 * 1024;

/**
 * Upper bound for opening one socket. Agents are shared by requests with different
 * deadlines, so this cannot be per request; each request's own deadline still applies.
 */
const CONNECT_TIMEOUT_MS = DEFAULT_TIMEOUT_MS;

/** Agents kept per address policy (one per distinct `lookup` function, oldest closed first). */
const MAX_CACHED_AGENTS = 8;

/** The part of the network policy that decides which addresses a socket may reach. */
export type AddressPolicy = Pick<NetworkPolicy, "allowPrivateNetwork" | "allowedPrivateCidrs">;

/** Cached keep-alive agents, keyed by address policy and then by `lookup` function identity. */
const agents = new Map<string, Map<LookupFunction, Agent>>();
/** Cached agents that tunnel through an egress proxy, by the proxy's URL. */
const proxyAgents = new Map<string, ProxyAgent>();

/**
 * The HTTP proxy deliveries leave through (`WEBHOOK_EGRESS_PROXY`, validated at start by
 * lib/env.ts), read at call time like the rest of the network policy; undefined: straight out.
 */
export function egressProxy(): string | undefined {
  const value = process.env.WEBHOOK_EGRESS_PROXY?.trim();
  return value ? value : undefined;
}

export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  /** Sent byte-for-byte as given, encoded as UTF-8. */
  body: string;
  /** One total deadline for connect + headers + body; default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Default {@link RESPONSE_BODY_CAP_BYTES}. */
  maxResponseBytes?: number;
  /** DNS resolver with node:dns `lookup` semantics (`{ all: true }` supported); default `dns.lookup`. */
  lookup?: LookupFunction;
  /**
   * Which addresses may be dialled. Default: the network policy in force
   * (url-guard.ts), read at call time. `true` is short for every private
   * address; link-local and metadata addresses are refused whatever is given.
   */
  allowPrivateNetwork?: boolean | AddressPolicy;
  /**
   * An HTTP proxy to tunnel through (CONNECT), for static outbound addresses. Default
   * {@link egressProxy}; null: none. Through a proxy the name is resolved and dialled by
   * the proxy, so only IP-literal hosts are checked here: the proxy must enforce the
   * network policy itself (as Stripe's smokescreen does).
   */
  proxy?: string | null;
  /**
   * Certificate authorities trusted besides the system's (and `NODE_EXTRA_CA_CERTS`), PEM; tests
   * inject the CA they made. Certificates are verified either way.
   */
  ca?: readonly string[];
}

export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** At most `maxResponseBytes` bytes, decoded as UTF-8 (a character cut at the cap decodes as U+FFFD). */
  body: string;
  bodyTruncated: boolean;
  durationMs: number;
}

/**
 * POSTs `body` to `url` and reports the exchange: any status (2xx, 3xx, 4xx, 5xx) is a
 * completed exchange and is returned, never thrown — the caller classifies it. Redirects
 * are not followed (a 3xx is returned as is) and TLS certificates are always verified.
 *
 * Throws {@link TransportError} only when no complete exchange happened, with the
 * original error as `cause`:
 * - `blocked_address`: the host is, or resolves to, a non-public address and private
 *   networks are not allowed. No TCP connection is made.
 * - `dns_failure`: the host name does not resolve.
 * - `timeout`: `timeoutMs` passed before the (capped) body was read, slow bodies included.
 * - `connection_failed`: refused, reset, TLS failure, or the socket closed early (also
 *   mid-body).
 *
 * Throws {@link WebhookValidationError} (`invalid_url`) for a URL that does not parse or
 * is not http:/https:; that is a caller bug, not a network outcome, so retrying cannot help.
 * Error messages name the host only, never the full URL (URLs often carry tokens).
 */
export async function postWebhook(request: TransportRequest): Promise<TransportResponse> {
  const url = parseWebhookUrl(request.url);
  const host = url.hostname;
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cap = request.maxResponseBytes ?? RESPONSE_BODY_CAP_BYTES;
  const policy = addressPolicy(request.allowPrivateNetwork);
  const proxy = request.proxy === undefined ? egressProxy() : (request.proxy ?? undefined);
  // Through a proxy no name is resolved here; an address written in the URL is still ours to refuse.
  if (proxy && isIP(host) !== 0 && !isDestinationAllowed(host, policy)) throw blockedAddress(host);

  const agent = proxy ? proxyAgentFor(proxy) : agentFor(request.lookup ?? (dnsLookup as LookupFunction), policy, request.ca);
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // Our own race, not just the abort signal: undici only honours an abort once a socket
  // is connected, so a hanging DNS answer or connect would otherwise outlive the deadline.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`deadline of ${timeoutMs} ms passed`));
      controller.abort(new Error(`deadline of ${timeoutMs} ms passed`));
    }, timeoutMs);
  });
  const exchange = send(agent, url, request, cap, controller.signal, timeoutMs);
  exchange.catch(() => undefined); // it may settle after losing the race

  try {
    return await Promise.race([exchange, deadline]);
  } catch (error) {
    if (timedOut) {
      throw new TransportError("timeout", `no complete response from ${host} within ${timeoutMs} ms`, { cause: error });
    }
    throw toTransportError(error, host);
  } finally {
    clearTimeout(timer);
  }
}

async function send(
  agent: Dispatcher,
  url: URL,
  request: TransportRequest,
  cap: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<TransportResponse> {
  const started = performance.now();
  const response = await agent.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: "POST",
    headers: request.headers,
    body: Buffer.from(request.body, "utf8"),
    signal,
    // Idle timers inside undici; the deadline in postWebhook is the one that counts.
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  const chunks: Buffer[] = [];
  let received = 0;
  let bodyTruncated = false;
  // Leaving the loop early destroys the body stream, which aborts the request and
  // closes the socket, so the rest of a large body is never downloaded.
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    const room = cap - received;
    if (buffer.length > room) {
      chunks.push(buffer.subarray(0, room));
      received += room;
      bodyTruncated = true;
      break;
    }
    chunks.push(buffer);
    received += buffer.length;
  }

  return {
    status: response.statusCode,
    headers: flattenHeaders(response.headers),
    body: Buffer.concat(chunks, received).toString("utf8"),
    bodyTruncated,
    durationMs: performance.now() - started,
  };
}

/** Closes every cached connection pool. Later calls to {@link postWebhook} build new ones. */
export async function closeTransport(): Promise<void> {
  const all: Dispatcher[] = [...[...agents.values()].flatMap((cache) => [...cache.values()]), ...proxyAgents.values()];
  agents.clear();
  proxyAgents.clear();
  await Promise.all(all.map((agent) => agent.close()));
}

function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookValidationError("invalid_url", "webhook URL is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new WebhookValidationError("invalid_url", `webhook URL must use http: or https:, not ${url.protocol}`);
  }
  return url;
}

function addressPolicy(given: TransportRequest["allowPrivateNetwork"]): AddressPolicy {
  if (typeof given === "object") return given;
  if (given !== undefined) return { allowPrivateNetwork: given, allowedPrivateCidrs: [] };
  return currentNetworkPolicy();
}

function policyKey(policy: AddressPolicy): string {
  return `${policy.allowPrivateNetwork}|${policy.allowedPrivateCidrs.map(([range, bits]) => `${range.toString()}/${bits}`).join(",")}`;
}

/** Keep-alive pools are reused per (lookup, policy, extra CAs) so the hot path never builds an Agent. */
function agentFor(lookup: LookupFunction, policy: AddressPolicy, ca?: readonly string[]): Agent {
  const key = ca?.length ? `${policyKey(policy)}|${ca.join("")}` : policyKey(policy);
  let cache = agents.get(key);
  if (!cache) {
    cache = new Map();
    agents.set(key, cache);
  }
  const cached = cache.get(lookup);
  if (cached) return cached;

  if (cache.size >= MAX_CACHED_AGENTS) {
    const [oldestLookup, oldest] = cache.entries().next().value as [LookupFunction, Agent];
    cache.delete(oldestLookup);
    // close() lets in-flight requests finish before the sockets go.
    oldest.close().catch(() => undefined);
  }
  const agent = new Agent({ connect: guardedConnector(lookup, policy, ca) });
  cache.set(lookup, agent);
  return agent;
}

/**
 * One tunnelling agent per proxy. The tunnel to the proxy is not checked against the network
 * policy (the operator chose that address, usually a private one); the target's TLS is
 * verified end to end through the tunnel.
 */
function proxyAgentFor(proxy: string): ProxyAgent {
  let agent = proxyAgents.get(proxy);
  if (!agent) {
    agent = new ProxyAgent({ uri: proxy, proxyTunnel: true, requestTls: { rejectUnauthorized: true }, connectTimeout: CONNECT_TIMEOUT_MS });
    proxyAgents.set(proxy, agent);
  }
  return agent;
}

/**
 * Every socket the agent opens passes through here. Names are resolved by
 * {@link guardedLookup} inside `net.connect`, so the address that is checked is the address
 * that is dialled (a DNS answer that changes between a check and the connect — rebinding —
 * cannot slip through). Node skips `lookup` for IP literals, so those are checked here.
 */
function guardedConnector(lookup: LookupFunction, policy: AddressPolicy, ca?: readonly string[]): buildConnector.connector {
  const connect = buildConnector({
    lookup: guardedLookup(lookup, policy),
    timeout: CONNECT_TIMEOUT_MS,
    // Explicit so NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot turn verification off.
    rejectUnauthorized: true,
    ...(ca?.length ? { ca: [...tls.rootCertificates, ...extraCaCertificates(), ...ca] } : {}),
  });
  return (options, callback) => {
    const { hostname } = options;
    if (isIP(hostname) !== 0 && !isDestinationAllowed(hostname, policy)) {
      process.nextTick(callback, blockedAddress(hostname), null);
      return;
    }
    connect(options, callback);
  };
}

/**
 * Resolves every address of a name and refuses the whole name if any one of them is
 * not allowed by the policy (never link-local or metadata; private only where the policy
 * opens it): Node may dial any address in the list (happy eyeballs), and a mixed answer
 * is how rebinding hides an internal address.
 */
function guardedLookup(resolve: LookupFunction, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const done = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[] = []) => {
      if (error) {
        callback(error, options.all ? [] : "");
      } else if (options.all) {
        callback(null, addresses);
      } else {
        const [first] = addresses as [LookupAddress];
        callback(null, first.address, first.family);
      }
    };
    try {
      resolve(hostname, { ...options, all: true }, (error, result, family) => {
        if (error) {
          done(new TransportError("dns_failure", `could not resolve ${hostname}`, { cause: error }));
          return;
        }
        const addresses = Array.isArray(result) ? result : [{ address: result, family: family ?? isIP(result) }];
        if (addresses.length === 0) {
          done(new TransportError("dns_failure", `${hostname} resolved to no addresses`));
        } else if (addresses.some(({ address }) => !isDestinationAllowed(address, policy))) {
          done(blockedAddress(hostname));
        } else {
          done(null, addresses);
        }
      });
    } catch (error) {
      done(new TransportError("dns_failure", `could not resolve ${hostname}`, { cause: error }));
    }
  };
}

/**
 * `NODE_EXTRA_CA_CERTS`' certificates: Node adds them to its default store, but an explicit `ca`
 * list replaces that store, so a caller that adds its own CAs keeps these by reading them here.
 */
export function extraCaCertificates(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, "utf8")];
  } catch {
    return [];
  }
}

function blockedAddress(host: string): TransportError {
  return new TransportError("blocked_address", `${host} is or resolves to an address webhooks may not reach (private, link-local or metadata)`);
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);

function toTransportError(error: unknown, host: string): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && TIMEOUT_CODES.has(code)) {
    return new TransportError("timeout", `${host} did not respond in time`, { cause: error });
  }
  const reason = typeof code === "string" ? code : error instanceof Error ? error.name : "unknown error";
  return new TransportError("connection_failed", `connection to ${host} failed (${reason})`, { cause: error });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
