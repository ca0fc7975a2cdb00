import type { Prisma } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { checkWebhookHealth, listOpenAlerts } from "@/lib/webhooks/alerting";
import { endpointActivity } from "@/lib/webhooks/endpoint-activity";
import {
  getDeliveriesByOutcome,
  getMetricsSeries,
  getOrganizationTotals,
  getTopFailingEndpoints,
  getWebhookMetrics,
  loadDashboard,
  METRICS_PERIODS,
  type MetricsPeriod,
  SERIES_BUCKET_SECONDS,
} from "@/lib/webhooks/metrics";
import { countOutcomes, DELIVERY_OUTCOMES, deliveryOutcome, type EndpointCondition, endpointHealth, outcomeWhere, successRateOf } from "@/lib/webhooks/outcomes";
import { endpointConditions, heldEndpointIds } from "@/lib/webhooks/history";
import { setupTestDatabase } from "../helpers/database";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";

/**
 * Every figure the screens show, computed two ways on one data set: by the SQL aggregates the
 * pages and the metrics API use, and in memory from the loaded rows with the definitions of
 * lib/webhooks/outcomes.ts. They must agree — the tiles, the chart, the status breakdown, top
 * failing, alerts, endpoint rows, ops totals and the history filter count the same deliveries
 * the same way.
 */
const db = setupTestDatabase();
const NOW = new Date("2026-11-28T12:00:00.000Z");

/** A small deterministic generator, so a failure reproduces. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface Loaded {
  id: string;
  organizationId: string;
  endpointId: string;
  status: "pending" | "delivered" | "failed" | "cancelled";
  attempts: number;
  createdAt: Date;
}

let deliveries: Loaded[];
let conditions: Map<string, EndpointCondition>;
const organizations: string[] = [];
const endpoints: Record<string, string[]> = {};

beforeAll(async () => {
  await db.truncate();
  const random = generator(42);
  const pick = <T,>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  for (const name of ["Busy", "Quiet"]) {
    const organization = await makeOrganization(name);
    organizations.push(organization.id);
    endpoints[organization.id] = [];
    for (const path of ["healthy", "open", "blocked", "disabled"]) {
      const { endpoint } = await makeEndpoint({ organizationId: organization.id, url: `https://${name.toLowerCase()}.example/${path}` });
      endpoints[organization.id]!.push(endpoint.id);
      if (path === "open") {
        await prisma.webhookCircuit.create({ data: { key: endpoint.id, state: "open", consecutiveFailures: 6, openedAt: NOW, probeAt: new Date(NOW.getTime() + 600_000) } });
      } else if (path === "healthy") {
        await prisma.webhookCircuit.create({ data: { key: endpoint.id, state: "closed", consecutiveFailures: 1 } });
      } else if (path === "blocked") {
        await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { signingBlockedAt: NOW, failingSince: NOW } });
      } else {
        await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { status: "disabled", disabledReason: "Every attempt failed for 5 days", disabledAt: NOW } });
      }
    }
  }
  const events: { id: string; organizationId: string; eventType: string; idempotencyKey: string; body: string; createdAt: Date }[] = [];
  const rows: Prisma.WebhookDeliveryCreateManyInput[] = [];
  for (let index = 0; index < 400; index++) {
    const organizationId = index % 5 === 0 ? organizations[1]! : organizations[0]!;
    const endpointId = pick(endpoints[organizationId]!);
    // Half in the last day (a quarter in the last hour), the rest over 40 days: some outside every period.
    const spread = random();
    const ageSeconds = spread < 0.25 ? random() * 3_600 : spread < 0.5 ? random() * 86_400 : random() * 40 * 86_400;
    const createdAt = new Date(NOW.getTime() - Math.floor(ageSeconds * 1000));
    const status = pick(["pending", "pending", "delivered", "delivered", "delivered", "failed", "cancelled"] as const);
    const attempts = status === "pending" ? pick([0, 0, 1, 3, 7]) : status === "cancelled" ? pick([0, 2]) : status === "failed" ? pick([0, 1, 8]) : pick([1, 1, 2, 4]);
    const eventId = newId("evt");
    events.push({ id: eventId, organizationId, eventType: "invoice.settled", idempotencyKey: eventId, body: "{}", createdAt });
    rows.push({
      id: newId("msg"),
      organizationId,
      eventId,
      endpointId,
      event: "invoice.settled",
      idempotencyKey: eventId,
      status,
      attempts,
      manualAttempts: pick([0, 0, 1]),
      createdAt,
      deliveredAt: status === "delivered" ? new Date(createdAt.getTime() + 50 + Math.floor(random() * 5_000)) : null,
      nextAttemptAt: status === "pending" ? new Date(NOW.getTime() + Math.floor(random() * 3_600_000)) : null,
    });
  }
  // The last hour of the busy organization fails mostly, so the failure-rate alert opens.
  for (let index = 0; index < 30; index++) {
    const eventId = newId("evt");
    const createdAt = new Date(NOW.getTime() - (index + 1) * 60_000);
    events.push({ id: eventId, organizationId: organizations[0]!, eventType: "invoice.settled", idempotencyKey: eventId, body: "{}", createdAt });
    rows.push({
      id: newId("msg"),
      organizationId: organizations[0]!,
      eventId,
      endpointId: endpoints[organizations[0]!]![0]!,
      event: "invoice.settled",
      idempotencyKey: eventId,
      status: index % 3 === 0 ? "failed" : "pending",
      attempts: index % 3 === 0 ? 8 : 2,
      createdAt,
      nextAttemptAt: index % 3 === 0 ? null : new Date(NOW.getTime() + 60_000),
    });
  }
  await prisma.webhookEvent.createMany({ data: events });
  await prisma.webhookDelivery.createMany({ data: rows });
  deliveries = await prisma.webhookDelivery.findMany({ select: { id: true, organizationId: true, endpointId: true, status: true, attempts: true, createdAt: true } });
  conditions = new Map();
  for (const organizationId of organizations) for (const [id, condition] of await endpointConditions(prisma, organizationId)) conditions.set(id, condition);
});

const inPeriod = (delivery: Loaded, period: MetricsPeriod) => delivery.createdAt.getTime() >= NOW.getTime() - METRICS_PERIODS[period] * 1000 && delivery.createdAt <= NOW;
const outcomeOf = (delivery: Loaded) => deliveryOutcome(delivery, conditions.get(delivery.endpointId) ?? {});

describe.each(Object.keys(METRICS_PERIODS) as MetricsPeriod[])("over %s", (period) => {
  it.each([0, 1])("the tiles (metrics API) count organization %i as the definitions do", async (which) => {
    const organizationId = organizations[which]!;
    const mine = deliveries.filter((delivery) => delivery.organizationId === organizationId);
    const counts = countOutcomes(mine.filter((delivery) => inPeriod(delivery, period)));
    const metrics = await getWebhookMetrics({ organizationId, period, now: () => NOW });
    expect(metrics).toMatchObject({
      total: counts.total,
      successful: counts.delivered,
      failed: counts.failed,
      retrying: counts.failing,
      attempted: counts.attempted,
      cancelled: counts.cancelled,
      successRate: counts.successRate ?? 0,
      pending: mine.filter((delivery) => delivery.status === "pending").length,
      held: mine.filter((delivery) => outcomeOf(delivery) === "held").length,
      failedLast24h: mine.filter((delivery) => delivery.status === "failed" && inPeriod(delivery, "24h")).length,
    });
    expect(metrics.attempted).toBe(metrics.successful + metrics.retrying + metrics.failed);
  });

  it("the chart's buckets add up to the tiles, and each bucket's rate follows the same definition", async () => {
    const organizationId = organizations[0]!;
    const [series, metrics] = await Promise.all([
      getMetricsSeries({ organizationId, period, now: () => NOW }),
      getWebhookMetrics({ organizationId, period, now: () => NOW }),
    ]);
    expect(series.reduce((sum, point) => sum + point.total, 0)).toBe(metrics.total);
    expect(series.reduce((sum, point) => sum + point.attempted, 0)).toBe(metrics.attempted);
    expect(series.reduce((sum, point) => sum + point.successful, 0)).toBe(metrics.successful);
    const bucketMs = SERIES_BUCKET_SECONDS[period] * 1000;
    for (const point of series) {
      const start = new Date(point.at).getTime();
      const inBucket = deliveries.filter(
        (delivery) => delivery.organizationId === organizationId && inPeriod(delivery, period) && delivery.createdAt.getTime() >= start && delivery.createdAt.getTime() < start + bucketMs,
      );
      expect(point.successRate).toBe(countOutcomes(inBucket).successRate);
    }
  });

  it("the status breakdown counts each derived outcome", async () => {
    const organizationId = organizations[0]!;
    const expected = Object.fromEntries(DELIVERY_OUTCOMES.map((outcome) => [outcome, 0]));
    for (const delivery of deliveries) if (delivery.organizationId === organizationId && inPeriod(delivery, period)) expected[outcomeOf(delivery)]! += 1;
    expect(await getDeliveriesByOutcome({ organizationId, period, now: () => NOW })).toEqual(expected);
  });

  it("top failing: not delivered of attempted, exactly 100 % minus each endpoint's success rate", async () => {
    const top = await getTopFailingEndpoints({ organizationId: organizations[0], period, now: () => NOW, limit: 10 });
    expect(top.length).toBeGreaterThan(0);
    for (const row of top) {
      const counts = countOutcomes(deliveries.filter((delivery) => delivery.endpointId === row.endpointId && inPeriod(delivery, period)));
      expect(row).toMatchObject({ total: counts.total, attempted: counts.attempted, retrying: counts.failing, gaveUp: counts.failed, failed: counts.failing + counts.failed });
      expect(row.failureRate).toBeCloseTo(100 - (counts.successRate ?? 100), 2);
    }
  });

  it("ops totals per organization match the tiles", async () => {
    const totals = await getOrganizationTotals({ period, now: () => NOW });
    for (const organizationId of organizations) {
      const metrics = await getWebhookMetrics({ organizationId, period, now: () => NOW });
      const row = totals.find((total) => total.id === organizationId)!;
      expect(row).toMatchObject({ total: metrics.total, delivered: metrics.successful, failed: metrics.failed, retrying: metrics.retrying, attempted: metrics.attempted, pending: metrics.pending });
      expect(row.successRate ?? 0).toBe(metrics.successRate);
    }
  });
});

it("the dashboard shows the metrics API's figures", async () => {
  const dashboard = await loadDashboard({ organizationId: organizations[0]!, period: "24h", now: () => NOW });
  expect(dashboard.metrics).toEqual(await getWebhookMetrics({ organizationId: organizations[0]!, period: "24h", now: () => NOW }));
});

it("endpoint rows: 24 h counts, success rate, last outcome and health follow the definitions", async () => {
  const activity = await endpointActivity({ organizationId: organizations[0]!, now: () => NOW });
  const rows = await prisma.webhookEndpoint.findMany({ where: { organizationId: organizations[0]! } });
  expect(activity.size).toBe(rows.length);
  for (const endpoint of rows) {
    const mine = deliveries.filter((delivery) => delivery.endpointId === endpoint.id);
    const counts = countOutcomes(mine.filter((delivery) => inPeriod(delivery, "24h")));
    const row = activity.get(endpoint.id)!;
    expect(row.last24h).toEqual(counts);
    expect(row.successRate24h).toBe(counts.successRate);
    const latest = [...mine].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1))[0];
    expect(row.lastOutcome).toBe(latest ? outcomeOf(latest) : null);
    expect(row.health).toEqual(endpointHealth(endpoint, conditions.get(endpoint.id)?.circuit ?? null));
  }
  const states = rows.map((endpoint) => activity.get(endpoint.id)!.health.state).sort();
  // Disabled wins over everything, a blocked secret over the circuit, an open circuit over a failure streak.
  expect(states).toEqual(["active", "cannot_sign", "circuit_open", "disabled"]);
});

it("the failure-rate alert quotes 100 % minus the success rate over the last hour", async () => {
  await checkWebhookHealth({ prisma, now: () => NOW, force: true, notify: async () => {} });
  const alert = (await listOpenAlerts({ organizationId: organizations[0]! })).find((open) => open.kind === "failure_rate");
  expect(alert).toBeDefined();
  const lastHour = countOutcomes(deliveries.filter((delivery) => delivery.organizationId === organizations[0] && inPeriod(delivery, "1h")));
  const metrics = await getWebhookMetrics({ organizationId: organizations[0]!, period: "1h", now: () => NOW });
  expect(metrics.successRate).toBe(lastHour.successRate);
  expect(alert!.message).toBe(
    `${Math.round(100 - lastHour.successRate!)} % of ${lastHour.attempted} attempted deliveries in the last hour were not delivered (${lastHour.failing} retrying, ${lastHour.failed} gave up)`,
  );
});

it.each(DELIVERY_OUTCOMES)("the history filter %s returns exactly the deliveries with that outcome", async (outcome) => {
  for (const organizationId of organizations) {
    const orgConditions = await endpointConditions(prisma, organizationId);
    const found = await prisma.webhookDelivery.findMany({ where: { organizationId, ...outcomeWhere(outcome, heldEndpointIds(orgConditions)) }, select: { id: true } });
    const expected = deliveries.filter((delivery) => delivery.organizationId === organizationId && outcomeOf(delivery) === outcome).map((delivery) => delivery.id);
    expect(found.map((row) => row.id).sort()).toEqual(expected.sort());
  }
});

it("the success rate divides delivered by attempted, and is null when nothing was attempted", () => {
  expect(successRateOf(0, 0)).toBeNull();
  expect(countOutcomes([{ status: "pending", attempts: 0 }, { status: "cancelled", attempts: 2 }])).toMatchObject({ attempted: 0, successRate: null });
  expect(countOutcomes([{ status: "delivered", attempts: 1 }, { status: "pending", attempts: 3 }, { status: "failed", attempts: 8 }])).toMatchObject({ attempted: 3, successRate: 33.33 });
});
