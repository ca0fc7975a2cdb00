import http from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { prisma } from "@/lib/db";
import { checkWebhookHealth, type AlertView } from "@/lib/webhooks/alerting";
import { checkCertificates } from "@/lib/webhooks/certificate-check";
import { type Diagnosis, diagnoseEndpoint, type DiagnosisStep } from "@/lib/webhooks/diagnose";
import { SIGNATURE_REJECTED_FIX } from "@/lib/webhooks/diagnose-advice";
import { createEndpoint, disableEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";
import { WebhookNotFoundError } from "@/lib/webhooks/errors";
import { makeTestCa, startTlsReceiver, type TestCa, type TlsReceiver } from "../helpers/certificates";
import { startConnectProxy } from "../helpers/connect-proxy";
import { setupEngineTest } from "../helpers/engine";
import { makeOrganization } from "../helpers/fixtures";
import { respondWith } from "../helpers/receiver";

/**
 * Diagnose, step by step, against real loopback servers: plain HTTP receivers that answer
 * well or badly, HTTPS receivers whose certificates (made here with openssl by a CA of the
 * test's own) are valid, expired, about to expire or for another host, ports nobody listens
 * on, and names that do not resolve or resolve where deliveries may not go. The certificate
 * expiry it reads, and the daily certificate check's, raise and resolve a tenant alert.
 */
const harness = setupEngineTest();

const DAY = 86_400_000;
const HOST = "hooks.diagnose.test";

/** Resolves the test's names: HOST to loopback, metadata.diagnose.test to the metadata address, anything else not at all. */
const lookup: LookupFunction = (hostname, _options, callback) => {
  const answers: Record<string, string> = { [HOST]: "127.0.0.1", "metadata.diagnose.test": "169.254.169.254" };
  const address = answers[hostname];
  if (!address) {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
    return;
  }
  (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
};

let ca: TestCa;
const servers: TlsReceiver[] = [];
beforeAll(() => {
  ca = makeTestCa();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => ca.dispose());

async function tlsReceiver(options: { names?: string[]; notBefore?: Date; notAfter: Date; status?: number; port?: number }): Promise<TlsReceiver> {
  const leaf = ca.issue({ names: options.names ?? [HOST], notBefore: options.notBefore ?? new Date(Date.now() - DAY), notAfter: options.notAfter });
  const server = await startTlsReceiver(leaf, options.status ?? 200, options.port);
  servers.push(server);
  return server;
}

function stepOf(diagnosis: Diagnosis, name: DiagnosisStep["name"]): DiagnosisStep {
  const found = diagnosis.steps.find((entry) => entry.name === name);
  if (!found) throw new Error(`no ${name} step`);
  return found;
}

const statuses = (diagnosis: Diagnosis) => Object.fromEntries(diagnosis.steps.map((entry) => [entry.name, entry.status]));

async function diagnose(organizationId: string, endpointId: string, extra: Partial<Parameters<typeof diagnoseEndpoint>[0]> = {}) {
  return diagnoseEndpoint({ organizationId, endpointId, lookup, ca: [ca.cert], stepTimeoutMs: 2_000, ...extra });
}

describe("Diagnose an endpoint", () => {
  it("passes every step for a healthy plain-http receiver, and keeps its signed request in history as a test", async () => {
    const receiver = await harness.receiver(respondWith(204));
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: receiver.url });

    const diagnosis = await diagnose(org.id, endpoint.id);

    expect(statuses(diagnosis)).toEqual({ dns: "passed", tcp: "passed", tls: "skipped", request: "passed", signature: "passed" });
    expect(diagnosis.healthy).toBe(true);
    expect(stepOf(diagnosis, "dns").addresses).toEqual([{ address: "127.0.0.1", family: 4, allowed: true, refusal: null }]);
    expect(stepOf(diagnosis, "tls").summary).toMatch(/plain http/);
    for (const name of ["dns", "tcp", "request"] as const) expect(stepOf(diagnosis, name).durationMs).toEqual(expect.any(Number));

    // The signed POST is a real, signed test delivery, recorded like "Send test event".
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers["webhook-signature"]).toMatch(/^v1,/);
    const response = stepOf(diagnosis, "request").response!;
    expect(response.statusCode).toBe(204);
    const delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: response.deliveryId } });
    expect(delivery).toMatchObject({ endpointId: endpoint.id, status: "delivered" });
    expect(delivery.idempotencyKey).toMatch(/^test-/);
    expect(receiver.requests[0]!.headers["webhook-id"]).toBe(response.deliveryId);
  });

  it("reads a valid certificate over TLS — subject, issuer, expiry, host name — and records its expiry", async () => {
    const notAfter = new Date(Date.now() + 90 * DAY);
    const server = await tlsReceiver({ notAfter });
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: `https://${HOST}:${server.port}/hooks` });

    const diagnosis = await diagnose(org.id, endpoint.id);

    expect(statuses(diagnosis)).toEqual({ dns: "passed", tcp: "passed", tls: "passed", request: "passed", signature: "passed" });
    const certificate = stepOf(diagnosis, "tls").certificate!;
    expect(certificate).toMatchObject({ subject: `CN=${HOST}`, names: [HOST], hostnameMatches: true, daysLeft: 89 });
    expect(certificate.issuer).toContain("CN=Diagnose Test CA");
    expect(certificate.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(Math.abs(certificate.validTo.getTime() - notAfter.getTime())).toBeLessThan(1_000);
    expect(server.requests).toBe(1);
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.tlsCertificateExpiresAt?.getTime()).toBe(certificate.validTo.getTime());
    expect(row.tlsCertificateCheckedAt).toEqual(diagnosis.checkedAt);
  });

  it("fails TLS on an expired certificate, sends nothing, and the health check raises a critical certificate alert", async () => {
    const server = await tlsReceiver({ notBefore: new Date(Date.now() - 60 * DAY), notAfter: new Date(Date.now() - 2 * DAY) });
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: `https://${HOST}:${server.port}/hooks` });

    const diagnosis = await diagnose(org.id, endpoint.id);

    expect(statuses(diagnosis)).toEqual({ dns: "passed", tcp: "passed", tls: "failed", request: "skipped", signature: "skipped" });
    expect(diagnosis.healthy).toBe(false);
    const tls = stepOf(diagnosis, "tls");
    expect(tls.summary).toMatch(/^The certificate expired on \d{4}-/);
    expect(tls.fix).toMatch(/Renew it/);
    expect(tls.guide).toBe("/docs/webhooks#troubleshoot-tls");
    expect(tls.certificate!.daysLeft).toBeLessThan(0);
    expect(server.requests).toBe(0);

    const notified: AlertView[] = [];
    const health = await checkWebhookHealth({ force: true, notify: async ({ opened }) => void notified.push(...opened) });
    const alert = health.opened.find((entry) => entry.kind === "certificate_expiring");
    expect(alert).toMatchObject({ organizationId: org.id, subject: endpoint.id, severity: "critical" });
    expect(alert!.message).toMatch(new RegExp(`certificate of ${HOST}:${server.port} expired`));
    expect(notified.map((entry) => entry.kind)).toContain("certificate_expiring");
  });

  it("fails TLS when the certificate is for another host, naming the names it covers", async () => {
    const server = await tlsReceiver({ names: ["other.diagnose.test", "www.other.diagnose.test"], notAfter: new Date(Date.now() + 90 * DAY) });
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: `https://${HOST}:${server.port}/hooks` });

    const diagnosis = await diagnose(org.id, endpoint.id);

    const tls = stepOf(diagnosis, "tls");
    expect(tls.status).toBe("failed");
    expect(tls.certificate!.hostnameMatches).toBe(false);
    expect(tls.summary).toBe(`The certificate covers other.diagnose.test, www.other.diagnose.test, not ${HOST}.`);
    expect(tls.fix).toContain(`include ${HOST}`);
    expect(stepOf(diagnosis, "request").status).toBe("skipped");
    expect(server.requests).toBe(0);
  });

  it("refuses a certificate from an authority it does not trust, as deliveries do", async () => {
    const server = await tlsReceiver({ notAfter: new Date(Date.now() + 90 * DAY) });
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: `https://${HOST}:${server.port}/hooks` });

    const diagnosis = await diagnose(org.id, endpoint.id, { ca: [] });

    const tls = stepOf(diagnosis, "tls");
    expect(tls.status).toBe("failed");
    expect(tls.summary).toBe("The certificate's chain cannot be checked: its issuer is unknown or missing.");
    expect(tls.fix).toMatch(/full chain/);
  });

  it("warns about a certificate that expires within 14 days; the alert resolves once the daily check sees it renewed", async () => {
    const start = Date.now();
    const server = await tlsReceiver({ notAfter: new Date(start + 5 * DAY + 3_600_000) });
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: `https://${HOST}:${server.port}/hooks` });

    const diagnosis = await diagnose(org.id, endpoint.id);
    expect(statuses(diagnosis)).toEqual({ dns: "passed", tcp: "passed", tls: "warning", request: "passed", signature: "passed" });
    expect(diagnosis.healthy).toBe(true);
    expect(stepOf(diagnosis, "tls").fix).toMatch(/^The certificate expires in 5 days/);

    const opened = await checkWebhookHealth({ force: true, notify: async () => undefined });
    expect(opened.opened.find((entry) => entry.kind === "certificate_expiring")).toMatchObject({ severity: "warning", subject: endpoint.id });
    expect(opened.opened.find((entry) => entry.kind === "certificate_expiring")!.message).toMatch(/in 5 days/);

    // Renewed: the same port now serves a 90-day certificate.
    const port = server.port;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    await tlsReceiver({ notAfter: new Date(start + 90 * DAY), port });
    // Not due yet: read less than a day ago.
    expect(await checkCertificates({ lookup, ca: [ca.cert] })).toEqual({ claimed: 0, read: 0 });
    const tomorrow = () => new Date(start + DAY + 60_000);
    expect(await checkCertificates({ lookup, ca: [ca.cert], now: tomorrow })).toEqual({ claimed: 1, read: 1 });
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.tlsCertificateExpiresAt!.getTime()).toBeGreaterThan(start + 80 * DAY);

    const resolved = await checkWebhookHealth({ force: true, now: tomorrow, notify: async () => undefined });
    expect(resolved.resolved.map((entry) => entry.kind)).toContain("certificate_expiring");
  });

  it("the daily check reads only active https endpoints that are due, and forgets a reading when the URL changes", async () => {
    const server = await tlsReceiver({ notAfter: new Date(Date.now() + 40 * DAY) });
    const plain = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const url = `https://${HOST}:${server.port}/hooks`;
    const { endpoint: active } = await createEndpoint({ organizationId: org.id, url });
    const { endpoint: disabled } = await createEndpoint({ organizationId: org.id, url });
    await disableEndpoint({ organizationId: org.id, endpointId: disabled.id });
    await createEndpoint({ organizationId: org.id, url: plain.url });

    expect(await checkCertificates({ lookup, ca: [ca.cert] })).toEqual({ claimed: 1, read: 1 });
    const read = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: active.id } });
    expect(read.tlsCertificateExpiresAt).not.toBeNull();
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: disabled.id } })).tlsCertificateCheckedAt).toBeNull();

    await updateEndpoint({ organizationId: org.id, endpointId: active.id, url: `https://${HOST}:${server.port}/other` });
    const moved = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: active.id } });
    expect(moved.tlsCertificateExpiresAt).toBeNull();
    expect(moved.tlsCertificateCheckedAt).toBeNull();
    expect(plain.requests).toHaveLength(0);
  });

  it("reports a receiver that refuses the signature, with the checks to make", async () => {
    const receiver = await harness.receiver(respondWith(401, { "content-type": "text/plain" }, "invalid signature"));
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: receiver.url });

    const diagnosis = await diagnose(org.id, endpoint.id);

    expect(statuses(diagnosis)).toMatchObject({ request: "warning", signature: "failed" });
    expect(stepOf(diagnosis, "signature").fix).toBe(SIGNATURE_REJECTED_FIX);
    expect(stepOf(diagnosis, "request").response).toMatchObject({ statusCode: 401, excerpt: "invalid signature" });
  });

  it("tells a missing route and a server error apart, and leaves the signature unknown", async () => {
    const receiver = await harness.receiver(respondWith(404));
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: receiver.url });

    const missing = await diagnose(org.id, endpoint.id);
    expect(statuses(missing)).toMatchObject({ request: "failed", signature: "skipped" });
    expect(stepOf(missing, "request").fix).toMatch(/Nothing handles POST at this path/);

    receiver.setResponder(respondWith(503));
    const failing = await diagnose(org.id, endpoint.id);
    expect(stepOf(failing, "request").fix).toContain(`webhook-id ${stepOf(failing, "request").response!.deliveryId}`);
    expect(stepOf(failing, "signature").summary).toMatch(/answered 503/);
  });

  it("reports a receiver too slow to answer as a timeout, linking to the async-receiver pattern", async () => {
    const receiver = await harness.receiver(() => undefined);
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: receiver.url });

    const diagnosis = await diagnose(org.id, endpoint.id, { timeoutMs: 300 });

    const request = stepOf(diagnosis, "request");
    expect(request.status).toBe("failed");
    expect(request.guide).toBe("/docs/webhooks#troubleshoot-timeouts");
    expect(request.fix).toMatch(/do the work afterwards/);
    expect(stepOf(diagnosis, "signature").status).toBe("skipped");
  });

  it("stops at DNS for a name that does not resolve, or resolves where deliveries may not go", async () => {
    const org = await makeOrganization();
    const { endpoint: unknown } = await createEndpoint({ organizationId: org.id, url: "https://nowhere.diagnose.test/hooks" });
    const missing = await diagnose(org.id, unknown.id);
    expect(statuses(missing)).toEqual({ dns: "failed", tcp: "skipped", tls: "skipped", request: "skipped", signature: "skipped" });
    expect(stepOf(missing, "dns").summary).toBe("nowhere.diagnose.test does not resolve (ENOTFOUND).");

    const { endpoint: metadata } = await createEndpoint({ organizationId: org.id, url: "https://metadata.diagnose.test/hooks" });
    const refused = await diagnose(org.id, metadata.id);
    const dns = stepOf(refused, "dns");
    expect(dns.status).toBe("failed");
    expect(dns.addresses).toEqual([{ address: "169.254.169.254", family: 4, allowed: false, refusal: "metadata" }]);
    expect(dns.fix).toMatch(/never reachable by webhooks/);
    // Nothing was stored or sent for either.
    expect(await prisma.webhookDelivery.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it("reports a refused connection at the TCP step", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: `http://127.0.0.1:${port}/hooks` });

    const diagnosis = await diagnose(org.id, endpoint.id);

    expect(statuses(diagnosis)).toMatchObject({ dns: "passed", tcp: "failed", request: "skipped" });
    expect(stepOf(diagnosis, "tcp").summary).toBe(`127.0.0.1:${port} refused the connection.`);
    expect(stepOf(diagnosis, "tcp").fix).toMatch(/Nothing accepts connections on port/);
  });

  it("through an egress proxy, leaves the network steps to the proxy and sends the signed request through it", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const port = Number(new URL(receiver.url).port);
    const proxy = await startConnectProxy(() => port);
    const saved = process.env.WEBHOOK_EGRESS_PROXY;
    process.env.WEBHOOK_EGRESS_PROXY = proxy.url;
    try {
      const org = await makeOrganization();
      const { endpoint } = await createEndpoint({ organizationId: org.id, url: `http://hooks.behind-proxy.test:${port}/hooks` });
      // This process must resolve nothing: the proxy does.
      const noLookup: LookupFunction = (hostname) => {
        throw new Error(`resolved ${hostname} locally`);
      };

      const diagnosis = await diagnose(org.id, endpoint.id, { lookup: noLookup });

      expect(diagnosis.throughProxy).toBe(true);
      expect(statuses(diagnosis)).toEqual({ dns: "skipped", tcp: "skipped", tls: "skipped", request: "passed", signature: "passed" });
      expect(stepOf(diagnosis, "dns").summary).toMatch(/egress proxy/);
      expect(proxy.tunnels).toEqual([`hooks.behind-proxy.test:${port}`]);
      expect(receiver.requests).toHaveLength(1);
      // Nor does the daily certificate check dial receivers itself.
      expect(await checkCertificates({ lookup: noLookup })).toEqual({ claimed: 0, read: 0 });
    } finally {
      if (saved === undefined) delete process.env.WEBHOOK_EGRESS_PROXY;
      else process.env.WEBHOOK_EGRESS_PROXY = saved;
      await proxy.close();
    }
  });

  it("does not diagnose another organization's endpoint", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const mine = await makeOrganization();
    const theirs = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: theirs.id, url: receiver.url });
    await expect(diagnose(mine.id, endpoint.id)).rejects.toBeInstanceOf(WebhookNotFoundError);
    expect(receiver.requests).toHaveLength(0);
  });
});
