import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { loadDashboard } from "@/lib/webhooks/metrics";
import {
  getDeliveriesByOutcome,
  getMetricsSeries,
  getOrganizationTotals,
  getTopFailingEndpoints,
  getWebhookMetrics,
  METRICS_PERIODS,
  type MetricsPeriod,
} from "@/lib/webhooks/metrics";
import { setupTestDatabase } from "../helpers/database";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";

const db = setupTestDatabase();
const NOW = new Date("2026-11-28T12:00:00.000Z");
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

interface Row {
  status: "pending" | "delivered" | "failed" | "cancelled";
  createdSecondsAgo: number;
  /** Time from enqueue to delivered. */
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

let orgA: string;
let endpointA: string;
let orgB: string;

beforeAll(async () => {
  await db.truncate();
  orgA = (await makeOrganization("A")).id;
  orgB = (await makeOrganization("B")).id;
  endpointA = (await makeEndpoint({ organizationId: orgA, url: "https://a.example/hook" })).endpoint.id;
  const endpointB = (await makeEndpoint({ organizationId: orgB, url: "https://b.example/hook" })).endpoint.id;
  await seed(orgA, endpointA, [
    // Within the last hour
    { status: "delivered", createdSecondsAgo: 600, tookMs: 100, attempts: 1 },
    { status: "delivered", createdSecondsAgo: 1200, tookMs: 200, attempts: 1 },
    { status: "failed", createdSecondsAgo: 1800, attempts: 8 },
    { status: "pending", createdSecondsAgo: 3000, attempts: 2 },
    // Within 24 h
    { status: "delivered", createdSecondsAgo: 7200, tookMs: 300, attempts: 2 },
    { status: "failed", createdSecondsAgo: 40_000, attempts: 8 },
    // Within 7 d
    { status: "delivered", createdSecondsAgo: 3 * 86_400, tookMs: 5_000, attempts: 3 },
    { status: "cancelled", createdSecondsAgo: 4 * 86_400, attempts: 0 },
    // Within 30 d
    { status: "failed", createdSecondsAgo: 20 * 86_400, attempts: 8 },
  ]);
  await seed(orgB, endpointB, [{ status: "delivered", createdSecondsAgo: 60, tookMs: 50, attempts: 1 }]);
  await prisma.webhookEndpoint.update({ where: { id: endpointB }, data: { status: "disabled" } });
  await prisma.webhookCircuit.create({ data: { key: endpointA, state: "open", consecutiveFailures: 5, openedAt: ago(100), probeAt: NOW } });
});

const expected: Record<MetricsPeriod, Partial<Record<string, number>>> = {
  // successRate: delivered of attempted (delivered + retrying + gave up); cancelled and never-attempted deliveries do not count.
  "1h": { total: 4, successful: 2, failed: 1, retrying: 1, attempted: 4, cancelled: 0, successRate: 50, avgDeliveryTimeMs: 150, retryRate: 50, p50DeliveryTimeMs: 150, avgAttempts: 3 },
  // retried = attempts > 1; avgAttempts over deliveries with at least one attempt
  "24h": { total: 6, successful: 3, failed: 2, retrying: 1, attempted: 6, cancelled: 0, successRate: 50, avgDeliveryTimeMs: 200, retryRate: 66.67, p50DeliveryTimeMs: 200, avgAttempts: 3.67 },
  "7d": { total: 8, successful: 4, failed: 2, retrying: 1, attempted: 7, cancelled: 1, successRate: 57.14, avgDeliveryTimeMs: 1400, retryRate: 62.5, p50DeliveryTimeMs: 250, avgAttempts: 3.57 },
  "30d": { total: 9, successful: 4, failed: 3, retrying: 1, attempted: 8, cancelled: 1, successRate: 50, avgDeliveryTimeMs: 1400, retryRate: 66.67, p50DeliveryTimeMs: 250, avgAttempts: 4.13 },
};

describe("getWebhookMetrics", () => {
  it.each(Object.keys(METRICS_PERIODS) as MetricsPeriod[])("answers %s with known values", async (period) => {
    const metrics = await getWebhookMetrics({ organizationId: orgA, period, now: () => NOW });
    expect(metrics).toMatchObject({ period, ...expected[period] });
    // Not period-bound: the backlog and the last day, and endpoint state.
    // The pending delivery's endpoint has an open circuit: it is held.
    expect(metrics).toMatchObject({ pending: 1, held: 1, oldestPendingAgeSeconds: 3000, failedLast24h: 2, openCircuits: 1, disabledEndpoints: 0 });
  });

  it("computes p95 by interpolation like PostgreSQL's percentile_cont", async () => {
    const metrics = await getWebhookMetrics({ organizationId: orgA, period: "7d", now: () => NOW });
    // delivered times 100, 200, 300, 5000: p95 = 300 + 0.85 × 4700
    expect(metrics.p95DeliveryTimeMs).toBe(4295);
  });

  it("answers zeros, never NaN, for an organization with nothing", async () => {
    const empty = await makeOrganization("Empty");
    const metrics = await getWebhookMetrics({ organizationId: empty.id, period: "24h", now: () => NOW });
    for (const [key, value] of Object.entries(metrics)) {
      if (key === "period") continue;
      expect(value).toBe(0);
    }
  });

  it("covers every organization when none is given", async () => {
    const all = await getWebhookMetrics({ period: "1h", now: () => NOW });
    expect(all).toMatchObject({ total: 5, successful: 3, disabledEndpoints: 1, openCircuits: 1 });
  });
});

describe("dashboard queries", () => {
  it("buckets the period for charts", async () => {
    const series = await getMetricsSeries({ organizationId: orgA, period: "1h", now: () => NOW });
    expect(series.length).toBeGreaterThanOrEqual(12);
    expect(series.reduce((sum, point) => sum + point.total, 0)).toBe(4);
    const withData = series.filter((point) => point.total > 0);
    expect(withData.every((point) => point.successRate === null || (point.successRate >= 0 && point.successRate <= 100))).toBe(true);
  });

  it("ranks failing endpoints and counts by outcome", async () => {
    const top = await getTopFailingEndpoints({ period: "30d", now: () => NOW });
    // Not delivered = 3 gave up + 1 retrying, of 8 attempted: 100 % minus the 50 % success rate.
    expect(top).toEqual([expect.objectContaining({ endpointId: endpointA, failed: 4, retrying: 1, gaveUp: 3, attempted: 8, total: 9, failureRate: 50 })]);
    expect(await getDeliveriesByOutcome({ organizationId: orgA, period: "7d", now: () => NOW })).toEqual({ pending: 0, retrying: 0, held: 1, delivered: 4, failed: 2, cancelled: 1 });
  });
});

describe("ops: every organization", () => {
  let stuck: { id: string; name: string };

  beforeAll(async () => {
    // Only an old pending delivery: outside every short period, but still listed.
    stuck = await makeOrganization("Stuck");
    const endpoint = (await makeEndpoint({ organizationId: stuck.id, url: "https://stuck.example/hook" })).endpoint.id;
    await seed(stuck.id, endpoint, [{ status: "pending", createdSecondsAgo: 20 * 86_400, attempts: 0 }]);
  });

  it("ranks organizations by deliveries in the period, keeping one with only a stuck backlog", async () => {
    const totals = await getOrganizationTotals({ period: "24h", now: () => NOW });
    expect(totals).toEqual([
      { id: orgA, name: "A", total: 6, delivered: 3, failed: 2, retrying: 1, attempted: 6, pending: 1, successRate: 50 },
      { id: orgB, name: "B", total: 1, delivered: 1, failed: 0, retrying: 0, attempted: 1, pending: 0, successRate: 100 },
      { id: stuck.id, name: "Stuck", total: 0, delivered: 0, failed: 0, retrying: 0, attempted: 0, pending: 1, successRate: null },
    ]);
    expect(await getOrganizationTotals({ period: "24h", now: () => NOW, limit: 1 })).toHaveLength(1);
  });

  it("loads the dashboard with the same numbers as the metrics, and names organizations only for ops", async () => {
    const all = await loadDashboard({ organizationId: null, period: "24h", now: () => NOW });
    expect(all.metrics).toEqual(await getWebhookMetrics({ period: "24h", now: () => NOW }));
    expect(all.failing).toEqual([expect.objectContaining({ endpointId: endpointA, failed: 3, total: 6 })]);
    expect(all.organizationNames).toEqual({ [orgA]: "A" });

    const one = await loadDashboard({ organizationId: orgA, period: "24h", now: () => NOW });
    expect(one.metrics.total).toBe(6);
    expect(one.byOutcome).toEqual({ pending: 0, retrying: 0, held: 1, delivered: 3, failed: 2, cancelled: 0 });
    expect(one.series.reduce((sum, point) => sum + point.total, 0)).toBe(6);
    expect(one.organizationNames).toEqual({});
  });
});
