import type { LookupFunction } from "node:net";
import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";
import { assertNetworkEndpoint, findOwned } from "@/lib/webhooks/endpoints";
import { WebhookError } from "@/lib/webhooks/errors";
import { sendTestEvent, type ManualAttemptResult } from "@/lib/webhooks/manual";
import { egressProxy } from "@/lib/webhooks/transport";
import {
  CERTIFICATE_WARNING_DAYS,
  dnsFailureFix,
  expiringSoonText,
  guideHref,
  mentionsSignature,
  responseFix,
  signatureRejectedFix,
  tcpFailureFix,
  tlsFailureFix,
} from "@/lib/webhooks/diagnose-advice";
import type { SignatureScheme } from "@/lib/webhooks/signing-keys";
import { type CertificateFacts, hostOf, portOf, probeDns, probeTcp, probeTls, type ResolvedAddress } from "@/lib/webhooks/diagnose-probe";

/**
 * "Diagnose": the troubleshooting chapter, run live against one endpoint. Each step — DNS,
 * TCP connect, TLS, a signed test POST, and whether the receiver accepted the signature — is
 * reported on its own with its timing, what was found, and a plain-language fix. A step that
 * cannot run because an earlier one failed is reported as skipped. The signed POST is a real
 * test event through the one send path (recorded in history, like "Send test event").
 */

export type DiagnosisStepName = "dns" | "tcp" | "tls" | "request" | "signature";
export type DiagnosisStepStatus = "passed" | "warning" | "failed" | "skipped";

export interface DiagnosisStep {
  name: DiagnosisStepName;
  title: string;
  status: DiagnosisStepStatus;
  /** How long the step took; null when it did not run. */
  durationMs: number | null;
  /** What was found, in one or two sentences. */
  summary: string;
  /** What to do about it; null when nothing needs doing. */
  fix: string | null;
  /** The troubleshooting guide's section for this step. */
  guide: string;
  /** DNS: every address and whether deliveries may connect to it. */
  addresses?: ResolvedAddress[];
  /** TCP: the address and port dialled. */
  connection?: { address: string; port: number };
  /** TLS: the certificate the server presented. */
  certificate?: CertificateFacts & { protocol: string | null };
  /** Request: the receiver's answer to the signed test POST. */
  response?: { deliveryId: string; statusCode: number | null; durationMs: number; excerpt: string | null; error: string | null };
}

export interface Diagnosis {
  endpointId: string;
  host: string;
  checkedAt: Date;
  /** True when no step failed (warnings allowed). */
  healthy: boolean;
  /** Deliveries leave through WEBHOOK_EGRESS_PROXY: the network steps are the proxy's to run. */
  throughProxy: boolean;
  steps: DiagnosisStep[];
}

export interface DiagnoseOptions {
  organizationId: string;
  endpointId: string;
  prisma?: DbClient;
  now?: () => Date;
  lookup?: LookupFunction;
  /** Certificate authorities trusted besides the system's (tests). */
  ca?: readonly string[];
  /** Deadline of the signed POST (default: a delivery's). */
  timeoutMs?: number;
  /** Deadline of each network step. */
  stepTimeoutMs?: number;
}

const TITLES: Record<DiagnosisStepName, string> = {
  dns: "DNS resolution",
  tcp: "TCP connection",
  tls: "TLS handshake",
  request: "Signed test request",
  signature: "Signature accepted",
};

const GUIDE: Record<DiagnosisStepName, string> = {
  dns: guideHref("dns"),
  tcp: guideHref("connect"),
  tls: guideHref("tls"),
  request: guideHref("response"),
  signature: guideHref("signature"),
};

/** A test request slower than this passes with a warning: real deliveries time out at 30 s. */
const SLOW_RESPONSE_MS = 5_000;

function step(name: DiagnosisStepName, status: DiagnosisStepStatus, summary: string, fix: string | null, durationMs: number | null, extra: Partial<DiagnosisStep> = {}): DiagnosisStep {
  return { name, title: TITLES[name], status, durationMs, summary, fix, guide: GUIDE[name], ...extra };
}

function skipped(name: DiagnosisStepName, because: string): DiagnosisStep {
  return step(name, "skipped", because, null, null);
}

/**
 * Runs every step against the endpoint (another organization's id is not found) and records
 * the certificate's expiry on the endpoint, which the health check turns into an alert when it
 * is within {@link CERTIFICATE_WARNING_DAYS} days. Never throws for what the network does.
 */
export async function diagnoseEndpoint(options: DiagnoseOptions): Promise<Diagnosis> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  const endpoint = await findOwned(db, options.organizationId, options.endpointId);
  assertNetworkEndpoint(endpoint, "be diagnosed");
  const url = new URL(endpoint.url);
  const host = hostOf(url);
  const port = portOf(url);
  const checkedAt = now();
  const throughProxy = egressProxy() !== undefined;
  const probeOptions = { lookup: options.lookup, ca: options.ca, timeoutMs: options.stepTimeoutMs, now };

  const steps: DiagnosisStep[] = [];
  let reachable = true;
  if (throughProxy) {
    const because = "Deliveries leave through the egress proxy, which resolves the name and connects: this step is the proxy's, and is checked by the request below.";
    steps.push(skipped("dns", because), skipped("tcp", because), skipped("tls", because));
  } else {
    const network = await networkSteps(host, port, url.protocol === "https:", probeOptions);
    steps.push(...network.steps);
    reachable = network.reachable;
    if (network.certificate) {
      await db.webhookEndpoint.updateMany({
        where: { id: endpoint.id, organizationId: endpoint.organizationId, url: endpoint.url },
        data: { tlsCertificateExpiresAt: network.certificate.validTo, tlsCertificateCheckedAt: checkedAt },
      });
    }
  }

  if (!reachable) {
    steps.push(skipped("request", "Not sent: an earlier step failed, and the request would fail the same way."), skipped("signature", "Not checked: no request was sent."));
  } else {
    steps.push(...(await requestSteps(options, db, now, endpoint.signatureScheme)));
  }
  return { endpointId: endpoint.id, host, checkedAt, healthy: steps.every((entry) => entry.status !== "failed"), throughProxy, steps };
}

async function networkSteps(
  host: string,
  port: number,
  https: boolean,
  options: Parameters<typeof probeDns>[1],
): Promise<{ steps: DiagnosisStep[]; reachable: boolean; certificate: CertificateFacts | null }> {
  const steps: DiagnosisStep[] = [];
  const dns = await probeDns(host, options);
  if (!dns.ok) {
    const { summary, fix } = dnsFailureFix(host, dns.code, dns.addresses);
    steps.push(step("dns", "failed", summary, fix, dns.durationMs, { addresses: dns.addresses }));
    steps.push(skipped("tcp", "Not tried: no address deliveries may connect to."));
    if (https) steps.push(skipped("tls", "Not tried: no connection."));
    else steps.push(plainHttpStep());
    return { steps, reachable: false, certificate: null };
  }
  const list = dns.addresses.map((entry) => entry.address).join(", ");
  steps.push(step("dns", "passed", dns.literal ? `The URL names the address ${list}; no lookup needed. Deliveries may connect to it.` : `${host} resolves to ${list}; deliveries may connect to every one.`, null, dns.durationMs, { addresses: dns.addresses }));

  const [first] = dns.addresses as [ResolvedAddress];
  const { probe: tcp, socket } = await probeTcp(first.address, port, options);
  if (!tcp.ok || !socket) {
    const failure = tcp.ok ? { summary: "The connection closed at once.", fix: "Check the server." } : tcpFailureFix(tcp.address, port, tcp.code);
    steps.push(step("tcp", "failed", failure.summary, failure.fix, tcp.durationMs, { connection: { address: tcp.address, port } }));
    steps.push(https ? skipped("tls", "Not tried: no connection.") : plainHttpStep());
    return { steps, reachable: false, certificate: null };
  }
  steps.push(step("tcp", "passed", `Connected to ${first.address.includes(":") ? `[${first.address}]` : first.address}:${port}.`, null, tcp.durationMs, { connection: { address: first.address, port } }));

  if (!https) {
    socket.destroy();
    steps.push(plainHttpStep());
    return { steps, reachable: true, certificate: null };
  }
  const tls = await probeTls(socket, host, options);
  if (!tls.certificate) {
    const { summary, fix } = tlsFailureFix(host, port, tls.code, [], null, null);
    steps.push(step("tls", "failed", summary, fix, tls.durationMs));
    return { steps, reachable: false, certificate: null };
  }
  const certificate = { ...tls.certificate, protocol: tls.protocol };
  if (!tls.ok) {
    const { summary, fix } = tlsFailureFix(host, port, tls.code ?? "TLS_HANDSHAKE_FAILED", certificate.names, certificate.validTo, certificate.validFrom);
    steps.push(step("tls", "failed", summary, fix, tls.durationMs, { certificate }));
    return { steps, reachable: false, certificate: tls.certificate };
  }
  const issued = `Certificate for ${certificate.subject || certificate.names.join(", ")}, issued by ${certificate.issuer}, valid until ${certificate.validTo.toISOString()} (${tls.protocol ?? "TLS"}).`;
  if (certificate.daysLeft <= CERTIFICATE_WARNING_DAYS) {
    steps.push(step("tls", "warning", issued, expiringSoonText(certificate.daysLeft, certificate.validTo), tls.durationMs, { certificate }));
  } else {
    steps.push(step("tls", "passed", issued, null, tls.durationMs, { certificate }));
  }
  return { steps, reachable: true, certificate: tls.certificate };
}

function plainHttpStep(): DiagnosisStep {
  return step("tls", "skipped", "The URL uses plain http: nothing is encrypted, and the signature travels in the clear.", "Use an https URL for anything but local testing; production accepts https endpoints only.", null);
}

async function requestSteps(options: DiagnoseOptions, db: DbClient, now: () => Date, scheme: SignatureScheme): Promise<DiagnosisStep[]> {
  let result: ManualAttemptResult;
  try {
    result = await sendTestEvent({ organizationId: options.organizationId, endpointId: options.endpointId, prisma: db, now, lookup: options.lookup, ca: options.ca, timeoutMs: options.timeoutMs });
  } catch (error) {
    if (!(error instanceof WebhookError)) throw error;
    return [step("request", "failed", `Not sent: ${error.message}`, null, null), skipped("signature", "Not checked: no request was sent.")];
  }
  const response = {
    deliveryId: result.deliveryId,
    statusCode: result.statusCode ?? null,
    durationMs: result.durationMs,
    excerpt: result.responseSnippet === undefined ? null : result.responseSnippet.slice(0, 500),
    error: result.error ?? null,
  };
  const code = result.statusCode;
  if (code === undefined) {
    const timedOut = result.errorCode === "timeout";
    return [
      step(
        "request",
        "failed",
        `No response: ${result.error ?? "the request failed"}.`,
        timedOut
          ? "Answer 2xx as soon as the request is verified and stored, and do the work afterwards (a job queue, a background worker)."
          : "The connection worked above but the request did not complete: check the server's logs and any proxy or load balancer in front of it.",
        result.durationMs,
        { response, guide: timedOut ? guideHref("timeouts") : GUIDE.request },
      ),
      skipped("signature", "Not known: the receiver did not answer."),
    ];
  }
  const answered = `HTTP ${code} in ${result.durationMs} ms (webhook-id ${result.deliveryId}).`;
  if (code >= 200 && code < 300) {
    const slow = result.durationMs > SLOW_RESPONSE_MS;
    return [
      step("request", slow ? "warning" : "passed", answered, slow ? "Slow: deliveries give up after 30 s. Answer as soon as the request is verified and stored, then do the work." : null, result.durationMs, {
        response,
        ...(slow ? { guide: guideHref("timeouts") } : {}),
      }),
      step(
        "signature",
        "passed",
        scheme === "ed25519"
          ? "The receiver accepted the signed request (2xx). It was signed with this endpoint's Ed25519 private key (v1a): a receiver that verifies checks it with the endpoint's public key."
          : "The receiver accepted the signed request (2xx).",
        null,
        null,
      ),
    ];
  }
  const signatureRejected = code === 401 || code === 403 || (code === 400 && mentionsSignature(result.responseSnippet));
  if (signatureRejected) {
    return [
      step("request", "warning", `${answered} The receiver answered, and refused the request.`, null, result.durationMs, { response }),
      step("signature", "failed", `The receiver refused the signed request with ${code}: most often its signature check failed.`, signatureRejectedFix(scheme), null),
    ];
  }
  return [
    step("request", "failed", answered, responseFix(code, result.deliveryId), result.durationMs, { response }),
    skipped("signature", `Not known: the receiver answered ${code}, before or without checking the signature.`),
  ];
}
