import * as jsonMetrics from "@/app/api/webhooks/metrics/route";
import * as prometheus from "@/app/api/metrics/route";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { processDueDeliveries, sendWebhookNotification, startWorker } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint } from "../helpers/fixtures";
import { respondInSequence, startReceiver, type Receiver } from "../helpers/receiver";

setupTestDatabase();
setupAuth();
allowLoopbackDelivery();

const TOKEN = "ops-token-0123456789abcdef";
let receiver: Receiver;
let owner: TestUser;
let member: TestUser;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  process.env.METRICS_TOKEN = TOKEN;
  resetEnvCache();
  receiver = await startReceiver(respondInSequence(200, 200, 500));
  owner = await signUp("owner@metrics.example");
  orgA = await createOrganization(owner, "Metrics A");
  member = await signUp("member@metrics.example");
  await joinOrganization(member, orgA, "member");
  const other = await signUp("other@metrics.example");
  orgB = await createOrganization(other, "Metrics B");
  await makeEndpoint({ organizationId: orgA, url: receiver.url });
  for (const key of ["a", "b", "c"]) await sendWebhookNotification(orgA, "invoice.settled", key, { key });
  await processDueDeliveries();
});
afterAll(async () => {
  delete process.env.METRICS_TOKEN;
  resetEnvCache();
  await receiver.close();
  await closeTransport();
});

const ops = { authorization: `Bearer ${TOKEN}` };

describe("GET /api/webhooks/metrics", () => {
  it("gives an owner their organization's numbers", async () => {
    const response = await call(jsonMetrics.GET, { user: owner, org: orgA, query: { period: "24h" } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ period: "24h", total: 3, successful: 2, failed: 0, pending: 1, successRate: 66.67, retryRate: 0 });
  });

  it("defaults to 7d and accepts the caller's own organizationId", async () => {
    const response = await call(jsonMetrics.GET, { user: owner, org: orgA, query: { organizationId: orgA } });
    expect(response.body).toMatchObject({ period: "7d", total: 3 });
  });

  it.each([
    ["no credentials", {}, 401],
    ["a wrong token", { headers: { authorization: "Bearer nope-nope-nope-nope" } }, 401],
    ["a member", { asMember: true }, 403],
    ["another organization's id", { asOwner: true, query: { organizationId: "org_01m8h0ck05fvkay8frqj9ykbkk" } }, 404],
    ["a malformed period", { asOwner: true, query: { period: "2w" } }, 400],
    ["a malformed organizationId", { asOwner: true, query: { organizationId: "acme" } }, 400],
    ["an owner who does not say which organization", { asOwner: true, withoutOrg: true }, 400],
  ])(
    "answers %s with the right status",
    async (_label, options: { headers?: Record<string, string>; asMember?: boolean; asOwner?: boolean; withoutOrg?: boolean; query?: Record<string, string> }, status) => {
      const user = options.asMember ? member : options.asOwner ? owner : undefined;
      const org = user && !options.withoutOrg ? orgA : undefined;
      const response = await call(jsonMetrics.GET, { user, org, headers: options.headers, query: options.query });
      expect(response.status).toBe(status);
      if (options.withoutOrg) expect(response.body.error).toBe("organization_required");
      else if (status === 400) expect(response.body.issues[0].path[0]).toBe("query");
    },
  );

  it("lets ops read any organization, or all of them", async () => {
    expect((await call(jsonMetrics.GET, { headers: ops, query: { organizationId: orgB } })).body).toMatchObject({ total: 0, successRate: 0 });
    expect((await call(jsonMetrics.GET, { headers: ops, query: { period: "1h" } })).body).toMatchObject({ total: 3 });
  });
});

/** A minimal parser for the Prometheus text format: samples by metric name. */
function parsePrometheus(text: string) {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

describe("GET /api/metrics (Prometheus)", () => {
  it("refuses without the token", async () => {
    expect((await call(prometheus.GET, {})).status).toBe(401);
    expect((await call(prometheus.GET, { user: owner, org: orgA })).status).toBe(401);
  });

  it("exposes process counters, histograms and database gauges in the text format", async () => {
    const worker = startWorker({ pollIntervalMs: 50, heartbeatIntervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Another worker process's heartbeat, as it would be stored.
    await prisma.workerHeartbeat.create({
      data: {
        workerId: "worker-host:4242",
        startedAt: new Date(),
        lastSeenAt: new Date(),
        inFlight: 3,
        counters: [
          { name: "webhook_worker_in_flight", help: "Attempts in flight in this process", type: "gauge", aggregator: "sum", values: [{ value: 3, labels: { process: "worker-host:4242" } }] },
        ],
      },
    });
    const response = await prometheus.GET(new Request("http://localhost/api/metrics", { headers: ops }));
    await worker.stop();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await response.text());
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((sample) => sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v));

    expect(find("webhook_attempts_total", { outcome: "success", status_class: "2xx", trigger: "scheduled" })[0]?.value).toBe(2);
    expect(find("webhook_attempts_total", { outcome: "retry", status_class: "5xx" })[0]?.value).toBe(1);
    expect(find("webhook_deliveries_finished_total", { outcome: "delivered" })[0]?.value).toBe(2);
    expect(find("webhook_attempt_duration_seconds_count")[0]?.value).toBe(3);
    expect(find("webhook_delivery_latency_seconds_count")[0]?.value).toBe(2);
    expect(find("webhook_attempts_total")[0]?.labels.process).toMatch(/:\d+$/);
    expect(find("webhook_worker_in_flight", { process: "worker-host:4242" })[0]?.value).toBe(3);
    expect(find("webhook_backlog_deliveries")[0]?.value).toBe(1);
    expect(find("webhook_open_circuits")[0]?.value).toBe(0);
    expect(find("webhook_disabled_endpoints")[0]?.value).toBe(0);
    expect(find("webhook_oldest_pending_age_seconds")[0]?.value).toBeGreaterThanOrEqual(0);
    expect(find("webhook_workers")[0]?.value).toBeGreaterThanOrEqual(1);
  });
});
