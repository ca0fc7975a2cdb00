import type { ResolvedAddress } from "@/lib/webhooks/diagnose-probe";

/**
 * What each Diagnose finding means and how to fix it, in plain words. The troubleshooting
 * guide (app/docs/webhooks) links to the same anchors, so the diagnosis and the guide agree.
 */

/** The guide's sections, by anchor on the receiving-webhooks docs page. */
export const TROUBLESHOOTING_ANCHORS = {
  dns: "troubleshoot-dns",
  connect: "troubleshoot-connect",
  tls: "troubleshoot-tls",
  response: "troubleshoot-response",
  signature: "troubleshoot-signature",
  duplicates: "troubleshoot-duplicates",
  timeouts: "troubleshoot-timeouts",
} as const;

export type TroubleshootingTopic = keyof typeof TROUBLESHOOTING_ANCHORS;

/** A link into the guide. */
export function guideHref(topic: TroubleshootingTopic): string {
  return `/docs/webhooks#${TROUBLESHOOTING_ANCHORS[topic]}`;
}

/** Certificates closer than this to their expiry raise a tenant alert (alerting.ts) and a Diagnose warning. */
export const CERTIFICATE_WARNING_DAYS = 14;

const REFUSAL_WORDS = { private: "a private or loopback address", metadata: "a link-local or cloud metadata address" } as const;

export function dnsFailureFix(host: string, code: string, addresses: ResolvedAddress[]): { summary: string; fix: string } {
  if (code === "BLOCKED_ADDRESS") {
    const refused = addresses.filter((address) => !address.allowed);
    const list = refused.map((address) => `${address.address} (${REFUSAL_WORDS[address.refusal ?? "private"]})`).join(", ");
    const metadata = refused.some((address) => address.refusal === "metadata");
    return {
      summary: `${host} resolves to ${list}, which deliveries may not reach.`,
      fix: metadata
        ? "Link-local and cloud metadata addresses are never reachable by webhooks. Point the name at your server's public address."
        : "Webhooks go only to public addresses, and a name is refused as a whole when any of its addresses is private. Point the name at a public address (a load balancer or a tunnel). If the server is on the operator's own network, the operator can open its range with WEBHOOK_ALLOWED_PRIVATE_CIDRS.",
    };
  }
  if (code === "EAI_AGAIN" || code === "ETIMEDOUT") {
    return {
      summary: `Looking up ${host} failed for now (${code}).`,
      fix: "The domain's name servers did not answer in time. Run Diagnose again; if it keeps failing, check the domain's name servers and its registration.",
    };
  }
  return {
    summary: `${host} does not resolve (${code}).`,
    fix: `Check the host name for typos, and that its DNS record exists in public DNS, not only in an internal zone: \`dig +short ${host}\` from outside your network should print an address.`,
  };
}

export function tcpFailureFix(address: string, port: number, code: string): { summary: string; fix: string } {
  const target = `${address.includes(":") ? `[${address}]` : address}:${port}`;
  switch (code) {
    case "ECONNREFUSED":
      return {
        summary: `${target} refused the connection.`,
        fix: `Nothing accepts connections on port ${port}. Check the port in the URL, that your server is running, and that it listens on a public interface (0.0.0.0), not only on 127.0.0.1.`,
      };
    case "ETIMEDOUT":
      return {
        summary: `${target} did not answer.`,
        fix: `A firewall or security group is probably dropping our connections. Allow inbound TCP on port ${port} from the internet (or from this service's egress addresses).`,
      };
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return {
        summary: `There is no route to ${address}.`,
        fix: "The address is not reachable from our network. Check that the DNS record points at the right server.",
      };
    default:
      return { summary: `Connecting to ${target} failed (${code}).`, fix: "Check that the server is up and reachable from the internet on this port." };
  }
}

export function tlsFailureFix(host: string, port: number, code: string, names: string[], validTo: Date | null, validFrom: Date | null): { summary: string; fix: string } {
  switch (code) {
    case "CERT_HAS_EXPIRED":
      return {
        summary: `The certificate expired on ${validTo?.toISOString() ?? "an earlier date"}.`,
        fix: "Renew it and reload the server so it serves the new one. With Let's Encrypt, check that automatic renewal runs (`certbot renew --dry-run`).",
      };
    case "CERT_NOT_YET_VALID":
      return {
        summary: `The certificate is not valid before ${validFrom?.toISOString() ?? "a later date"}.`,
        fix: "Check the server's clock and the certificate's dates; serve a certificate that is valid now.",
      };
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return {
        summary: `The certificate covers ${names.length ? names.join(", ") : "no names"}, not ${host}.`,
        fix: `Serve a certificate whose names include ${host} (a server with several sites picks the certificate by name: check this name's), or change the URL to a name the certificate covers.`,
      };
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return {
        summary: "The certificate is self-signed.",
        fix: "Deliveries trust certificates from public certificate authorities only, and never skip the check. Use a certificate from a public CA such as Let's Encrypt.",
      };
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return {
        summary: "The certificate's chain cannot be checked: its issuer is unknown or missing.",
        fix: "Serve the full chain, the intermediate certificates included (fullchain.pem rather than cert.pem). Browsers often fetch a missing intermediate on their own, which hides the problem.",
      };
    case "ERR_SSL_WRONG_VERSION_NUMBER":
    case "EPROTO":
      return {
        summary: `No TLS handshake on port ${port}.`,
        fix: "The server may speak plain HTTP on this port. Use the port your HTTPS server listens on.",
      };
    case "ECONNRESET":
      return {
        summary: "The server closed the connection during the TLS handshake.",
        fix: "It may not support TLS 1.2 or later, or may require a client certificate. Check the server's TLS settings.",
      };
    case "NO_CERTIFICATE":
      return { summary: "The server sent no certificate.", fix: "Configure a certificate for this host name on the server." };
    default:
      return { summary: `The TLS handshake with ${host} failed (${code}).`, fix: "Check the server's TLS configuration with `openssl s_client -connect host:port -servername host`." };
  }
}

export function expiringSoonText(daysLeft: number, validTo: Date): string {
  const when = daysLeft <= 0 ? "today" : daysLeft === 1 ? "in 1 day" : `in ${daysLeft} days`;
  return `The certificate expires ${when} (${validTo.toISOString()}). Renew it before then: once it expires, every delivery fails.`;
}

/** Plain words for a receiver's answer that is not a 2xx. */
export function responseFix(statusCode: number, deliveryId: string): string {
  if (statusCode >= 300 && statusCode < 400) {
    return "Redirects are never followed. Change the endpoint URL to where it redirects (often http to https, or a trailing slash).";
  }
  switch (statusCode) {
    case 404:
      return "Nothing handles POST at this path. Check the path in the URL, and that your route accepts POST.";
    case 405:
      return "The path exists but does not accept POST. Route POST requests to your webhook handler.";
    case 408:
    case 429:
      return "Your server asked us to slow down or timed out. Deliveries retry these; a Retry-After header is honoured.";
    case 410:
      return "410 Gone retires the endpoint: a delivery answered with 410 disables it. Answer 410 only when the URL is retired for good.";
    case 413:
      return "Your server refused the size of the body. Accept bodies up to 256 KiB.";
    default:
      return statusCode >= 500
        ? `Your server failed while handling the event. Look in its logs for webhook-id ${deliveryId}. 5xx answers are retried on the schedule.`
        : `Your server refused the request. Look in its logs for webhook-id ${deliveryId}. A 4xx is final: the delivery is not retried.`;
  }
}

export const SIGNATURE_REJECTED_FIX =
  "Check, in this order: the secret your receiver uses is this endpoint's current signing secret, whole (for Standard Webhooks, base64-decode what follows whsec_); " +
  "you compute the signature over the raw body bytes, not over JSON you parsed and serialised again; your clock is within 5 minutes (webhook-timestamp); " +
  "and, after a rotation, you accept a request when any of the space-separated webhook-signature entries matches.";

/**
 * The same check list for an `ed25519` endpoint, whose receiver holds its public key: no
 * secret is shared, and `v1a` entries are Ed25519 signatures, not HMACs.
 */
export const ED25519_SIGNATURE_REJECTED_FIX =
  "This endpoint signs with an Ed25519 key pair (v1a entries in webhook-signature), so check, in this order: your receiver verifies with this endpoint's current public key " +
  "(whpk_…, shown on the endpoint's Settings and downloadable as PEM; base64-decode what follows whpk_ for the raw 32-byte key), not a whsec_ secret or an HMAC; " +
  "it checks the v1a entries, decoding each signature from base64 to 64 bytes; you verify the raw body bytes as `webhook-id.webhook-timestamp.body`, not JSON you parsed and serialised again; " +
  "your clock is within 5 minutes (webhook-timestamp); and, after a rotation or a change of scheme, you accept a request when any of the space-separated entries verifies.";

/** What to check when a receiver refuses the signed request, for the endpoint's signature scheme. */
export function signatureRejectedFix(scheme: "hmac" | "ed25519"): string {
  return scheme === "ed25519" ? ED25519_SIGNATURE_REJECTED_FIX : SIGNATURE_REJECTED_FIX;
}

/** A 400 whose body talks about signatures is most likely a verification failure too. */
export function mentionsSignature(body: string | undefined): boolean {
  return body !== undefined && /signature|hmac|webhook-timestamp|timestamp too old|tolerance/i.test(body);
}
