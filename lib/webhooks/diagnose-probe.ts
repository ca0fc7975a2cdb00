import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import net, { isIP, type LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import tls, { type PeerCertificate, type TLSSocket } from "node:tls";
import { extraCaCertificates } from "@/lib/webhooks/transport";
import { currentNetworkPolicy, refusalFor, type NetworkPolicy } from "@/lib/webhooks/url-guard";

/**
 * The network half of "Diagnose": resolve the endpoint's host, open a TCP connection to an
 * address the guard allows, and read the TLS certificate, each timed and reported on its own.
 * It checks with the same policy the transport enforces on every attempt (url-guard.ts), and
 * only ever dials an address that policy allows. Nothing is sent over the connection.
 */

/** Each network step's own deadline. */
export const PROBE_STEP_TIMEOUT_MS = 10_000;

export interface ResolvedAddress {
  address: string;
  family: number;
  /** Whether deliveries may connect to it; `refusal` says why not. */
  allowed: boolean;
  refusal: "private" | "metadata" | null;
}

export type DnsProbe =
  | { ok: true; durationMs: number; literal: boolean; addresses: ResolvedAddress[] }
  | { ok: false; durationMs: number; literal: boolean; addresses: ResolvedAddress[]; code: string };

export type TcpProbe =
  | { ok: true; durationMs: number; address: string; port: number }
  | { ok: false; durationMs: number; address: string; port: number; code: string };

export interface CertificateFacts {
  subject: string;
  /** DNS and IP names the certificate covers. */
  names: string[];
  issuer: string;
  validFrom: Date;
  validTo: Date;
  /** Whole days until `validTo`, negative once expired. */
  daysLeft: number;
  /** Whether the certificate covers the URL's host (checked even when the chain is not trusted). */
  hostnameMatches: boolean;
  fingerprint256: string;
}

export type TlsProbe =
  | {
      ok: boolean;
      durationMs: number;
      protocol: string | null;
      /** Node's verification error code (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …); null when trusted. */
      code: string | null;
      certificate: CertificateFacts;
    }
  | { ok: false; durationMs: number; protocol: null; code: string; certificate: null };

export interface ProbeOptions {
  lookup?: LookupFunction;
  policy?: Pick<NetworkPolicy, "allowPrivateNetwork" | "allowedPrivateCidrs">;
  timeoutMs?: number;
  /** Certificate authorities trusted besides the system's (tests). */
  ca?: readonly string[];
  now?: () => Date;
}

/** The URL's port, or the scheme's default. */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** A URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** Resolves every address of the host (an IP literal is its own answer) and judges each by the policy. */
export async function probeDns(host: string, options: ProbeOptions = {}): Promise<DnsProbe> {
  const policy = options.policy ?? currentNetworkPolicy();
  const judge = (address: string, family: number): ResolvedAddress => {
    const refusal = refusalFor(address, policy);
    return { address, family, allowed: refusal === null, refusal };
  };
  const started = performance.now();
  const family = isIP(host);
  if (family !== 0) {
    const addresses = [judge(host, family)];
    return finishDns(addresses, true, started);
  }
  const lookup = options.lookup ?? (dnsLookup as LookupFunction);
  try {
    const found = await withDeadline(
      new Promise<LookupAddress[]>((resolve, reject) => {
        lookup(host, { all: true }, (error, result, resultFamily) => {
          if (error) reject(error);
          else resolve(Array.isArray(result) ? result : [{ address: result, family: resultFamily ?? isIP(result) }]);
        });
      }),
      options.timeoutMs ?? PROBE_STEP_TIMEOUT_MS,
    );
    return finishDns(
      found.map(({ address, family: addressFamily }) => judge(address, addressFamily)),
      false,
      started,
    );
  } catch (error) {
    return { ok: false, durationMs: elapsed(started), literal: false, addresses: [], code: errorCode(error, "ENOTFOUND") };
  }
}

function finishDns(addresses: ResolvedAddress[], literal: boolean, started: number): DnsProbe {
  const durationMs = elapsed(started);
  if (addresses.length === 0) return { ok: false, durationMs, literal, addresses, code: "ENODATA" };
  // The transport refuses a name when any one of its addresses is refused (rebinding hides behind mixed answers).
  if (addresses.some((address) => !address.allowed)) return { ok: false, durationMs, literal, addresses, code: "BLOCKED_ADDRESS" };
  return { ok: true, durationMs, literal, addresses };
}

/** Opens a TCP connection to `address` (already allowed by {@link probeDns}); the socket is returned for the TLS step. */
export async function probeTcp(address: string, port: number, options: ProbeOptions = {}): Promise<{ probe: TcpProbe; socket: net.Socket | null }> {
  const started = performance.now();
  const socket = net.connect({ host: address, port });
  try {
    await withDeadline(
      new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      }),
      options.timeoutMs ?? PROBE_STEP_TIMEOUT_MS,
    );
    return { probe: { ok: true, durationMs: elapsed(started), address, port }, socket };
  } catch (error) {
    socket.destroy();
    return { probe: { ok: false, durationMs: elapsed(started), address, port, code: errorCode(error, "ECONNFAILED") }, socket: null };
  }
}

/**
 * A TLS handshake over `socket` that reads the certificate whatever is wrong with it, then
 * judges it the way the transport does (system CAs, `NODE_EXTRA_CA_CERTS`, and the host name).
 * The socket is closed afterwards.
 */
export async function probeTls(socket: net.Socket, host: string, options: ProbeOptions = {}): Promise<TlsProbe> {
  const started = performance.now();
  const now = options.now?.() ?? new Date();
  const literal = isIP(host) !== 0;
  let secure: TLSSocket | undefined;
  try {
    secure = tls.connect({
      socket,
      servername: literal ? undefined : host,
      // Read the certificate even when it would be refused: judging it is this step's job.
      rejectUnauthorized: false,
      ...(options.ca?.length ? { ca: [...tls.rootCertificates, ...extraCaCertificates(), ...options.ca] } : {}),
    });
    const connected = secure;
    await withDeadline(
      new Promise<void>((resolve, reject) => {
        connected.once("secureConnect", resolve);
        connected.once("error", reject);
      }),
      options.timeoutMs ?? PROBE_STEP_TIMEOUT_MS,
    );
    const durationMs = elapsed(started);
    const peer = connected.getPeerCertificate();
    if (!peer || Object.keys(peer).length === 0) return { ok: false, durationMs, protocol: null, code: "NO_CERTIFICATE", certificate: null };
    const certificate = certificateFacts(peer, host, now);
    const code = connected.authorized ? null : authorizationCode(connected.authorizationError);
    return { ok: connected.authorized && certificate.hostnameMatches, durationMs, protocol: connected.getProtocol(), code: code ?? (certificate.hostnameMatches ? null : "ERR_TLS_CERT_ALTNAME_INVALID"), certificate };
  } catch (error) {
    return { ok: false, durationMs: elapsed(started), protocol: null, code: errorCode(error, "TLS_HANDSHAKE_FAILED"), certificate: null };
  } finally {
    (secure ?? socket).destroy();
  }
}

function authorizationCode(error: Error | string | null | undefined): string | null {
  if (!error) return null;
  if (typeof error === "string") return error;
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

function certificateFacts(peer: PeerCertificate, host: string, now: Date): CertificateFacts {
  const validTo = new Date(peer.valid_to);
  const names = (peer.subjectaltname ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ""));
  return {
    subject: distinguishedName(peer.subject),
    names,
    issuer: distinguishedName(peer.issuer),
    validFrom: new Date(peer.valid_from),
    validTo,
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / 86_400_000),
    hostnameMatches: tls.checkServerIdentity(host, peer) === undefined,
    fingerprint256: peer.fingerprint256,
  };
}

/** "CN=hooks.example.com, O=Example" from Node's certificate subject object. */
function distinguishedName(name: PeerCertificate["subject"] | undefined): string {
  if (!name) return "";
  const order = ["CN", "O", "OU", "L", "ST", "C"];
  const entries = Object.entries(name as unknown as Record<string, string | string[]>);
  entries.sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  return entries.map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : value}`).join(", ");
}

function errorCode(error: unknown, fallback: string): string {
  if (error instanceof DeadlineError) return "ETIMEDOUT";
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : fallback;
}

class DeadlineError extends Error {}

async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
