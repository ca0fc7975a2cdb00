import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { getMetricsSeries, getWebhookMetrics, type MetricsPeriod } from "@/lib/webhooks/metrics";
import { setupTestDatabase } from "../helpers/database";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";

/**
 * An endpoint's page shows its own figures: the same definitions as the organization's
 * dashboard, narrowed to one endpoint, and never another organization's data.
 */
const db = setupTestDatabase();
const NOW = new Date("2026-11-28T12:00:00.000Z");
const now = () => NOW;
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

interface Row {
  status: "pending" | "delivered" | "failed" | "cancelled";
  createdSecondsAgo: number;
  tookMs?: number;
  attempts: number;
}

async function seed(organizationId: string, endpointId: string, rows: Row[]) {
  for (const row of rows) {
    const eventId = newId("evt");
    const createdAt = ago(row.createdSecondsAgo);
    await prisma.webhookEvent.create({ data: { id: eventId, organizationId, eventType: "invoice.settled", idempotencyKey: eventId, body: "{}", createdAt } });
    await prisma.webhookDelivery.create({
      data: {
        id: newId("msg"),
        organizationId,
        eventId,
        endpointId,
        event: "invoice.settled",
        idempotencyKey: eventId,
        status: row.status,
        attempts: row.attempts,
        createdAt,
        deliveredAt: row.tookMs === undefined ? null : new Date(createdAt.getTime() + row.tookMs),
        nextAttemptAt: row.status === "pending" ? NOW : null,
      },
    });
  }
}

const MIXED: Row[] = [
  { status: "delivered", createdSecondsAgo: 600, tookMs: 100, attempts: 1 },
  { status: "delivered", createdSecondsAgo: 1_200, tookMs: 300, attempts: 2 },
  { status: "failed", createdSecondsAgo: 1_800, attempts: 8 },
  { status: "pending", createdSecondsAgo: 3_000, attempts: 2 },
  { status: "cancelled", createdSecondsAgo: 7_200, attempts: 0 },
  { status: "delivered", createdSecondsAgo: 3 * 86_400, tookMs: 900, attempts: 1 },
];

let soloOrg: string;
let soloEndpoint: string;
let pairOrg: string;
let busy: string;
let quiet: string;
let otherOrg: string;
let otherEndpoint: string;

beforeAll(async () => {
  await db.truncate();
  soloOrg = (await makeOrganization("Solo")).id;
  soloEndpoint = (await makeEndpoint({ organizationId: soloOrg, url: "https://solo.example/hook" })).endpoint.id;
  await seed(soloOrg, soloEndpoint, MIXED);
  await prisma.webhookCircuit.create({ data: { key: soloEndpoint, state: "open", consecutiveFailures: 5, openedAt: ago(100), probeAt: NOW } });

  pairOrg = (await makeOrganization("Pair")).id;
  busy = (await makeEndpoint({ organizationId: pairOrg, url: "https://pair.example/busy" })).endpoint.id;
  quiet = (await makeEndpoint({ organizationId: pairOrg, url: "https://pair.example/quiet" })).endpoint.id;
  await seed(pairOrg, busy, MIXED);
  await seed(pairOrg, quiet, [
    { status: "failed", createdSecondsAgo: 900, attempts: 8 },
    { status: "failed", createdSecondsAgo: 1_500, attempts: 8 },
    { status: "pending", createdSecondsAgo: 60, attempts: 0 },
  ]);
  await prisma.webhookEndpoint.update({ where: { id: quiet }, data: { status: "disabled" } });

  otherOrg = (await makeOrganization("Other")).id;
  otherEndpoint = (await makeEndpoint({ organizationId: otherOrg, url: "https://other.example/hook" })).endpoint.id;
  await seed(otherOrg, otherEndpoint, MIXED);
});

describe("metrics of one endpoint", () => {
  it.each(["1h", "24h", "7d", "30d"] as MetricsPeriod[])("equal the organization's when it is the only endpoint (%s)", async (period) => {
    const organization = await getWebhookMetrics({ organizationId: soloOrg, period, now });
    const endpoint = await getWebhookMetrics({ organizationId: soloOrg, endpointId: soloEndpoint, period, now });
    expect(endpoint).toEqual(organization);
    expect(await getMetricsSeries({ organizationId: soloOrg, endpointId: soloEndpoint, period, now })).toEqual(await getMetricsSeries({ organizationId: soloOrg, period, now }));
  });

  it("counts the solo endpoint's deliveries, circuit and backlog", async () => {
    const metrics = await getWebhookMetrics({ organizationId: soloOrg, endpointId: soloEndpoint, period: "24h", now });
    expect(metrics).toMatchObject({ total: 5, successful: 2, failed: 1, retrying: 1, attempted: 4, cancelled: 1, successRate: 50, pending: 1, held: 1, openCircuits: 1, disabledEndpoints: 0 });
  });

  it("leaves out another endpoint's deliveries", async () => {
    const busyMetrics = await getWebhookMetrics({ organizationId: pairOrg, endpointId: busy, period: "24h", now });
    expect(busyMetrics).toMatchObject({ total: 5, successful: 2, failed: 1, retrying: 1, attempted: 4, successRate: 50, pending: 1, failedLast24h: 1, disabledEndpoints: 0 });
    const quietMetrics = await getWebhookMetrics({ organizationId: pairOrg, endpointId: quiet, period: "24h", now });
    expect(quietMetrics).toMatchObject({ total: 3, successful: 0, failed: 2, retrying: 0, attempted: 2, successRate: 0, pending: 1, failedLast24h: 2, disabledEndpoints: 1 });
    const organization = await getWebhookMetrics({ organizationId: pairOrg, period: "24h", now });
    expect(organization.total).toBe(busyMetrics.total + quietMetrics.total);
    expect(organization.failed).toBe(busyMetrics.failed + quietMetrics.failed);

    const series = await getMetricsSeries({ organizationId: pairOrg, endpointId: quiet, period: "24h", now });
    expect(series.reduce((sum, point) => sum + point.total, 0)).toBe(3);
    expect(series.reduce((sum, point) => sum + point.successful, 0)).toBe(0);
  });

  it("gives zeros for another organization's endpoint id, never its data", async () => {
    const crossed = await getWebhookMetrics({ organizationId: pairOrg, endpointId: otherEndpoint, period: "30d", now });
    expect(crossed).toMatchObject({ total: 0, successful: 0, failed: 0, attempted: 0, successRate: 0, pending: 0, held: 0, failedLast24h: 0, openCircuits: 0, disabledEndpoints: 0 });
    const series = await getMetricsSeries({ organizationId: pairOrg, endpointId: otherEndpoint, period: "30d", now });
    expect(series.every((point) => point.total === 0 && point.successRate === null)).toBe(true);
    // The same id in its own organization has data, so the zeros above are the scope, not an empty table.
    expect((await getWebhookMetrics({ organizationId: otherOrg, endpointId: otherEndpoint, period: "30d", now })).total).toBe(6);
  });

  it("refuses an endpoint scope without an organization", async () => {
    await expect(getWebhookMetrics({ endpointId: soloEndpoint, now })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(getMetricsSeries({ endpointId: soloEndpoint, now })).rejects.toMatchObject({ code: "invalid_input" });
  });
});
