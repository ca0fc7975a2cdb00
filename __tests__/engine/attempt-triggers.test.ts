import { prisma } from "@/lib/db";
import { disableEndpoint, processDueDeliveries, sendWebhookNotification } from "@/lib/webhooks";
import { redeliver, sendTestEvent } from "@/lib/webhooks/manual";
import { telemetry } from "@/lib/webhooks/telemetry";
import { setupEngineTest } from "../helpers/engine";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondWith, type Receiver } from "../helpers/receiver";

/**
 * Every trigger goes through the one attempt pipeline (lib/webhooks/attempt.ts): each is
 * counted in the Prometheus attempt metrics under its trigger, informs the circuit breaker
 * and the endpoint's failure streak, and announces `delivery.exhausted` when a delivery
 * runs out of retries (a test send has none to run out of). Only scheduled attempts move
 * the retry schedule: a redelivery by hand never uses up or moves an automatic retry.
 */
const harness = setupEngineTest();

let receiver: Receiver;
beforeEach(async () => {
  receiver = await harness.receiver();
});

type Trigger = "scheduled" | "manual" | "test";

async function counter(metric: "attempts" | "deliveries", labels: Record<string, string>): Promise<number> {
  const { values } = await telemetry()[metric].get();
  return values.filter((value) => Object.entries(labels).every(([name, wanted]) => String((value.labels as Record<string, string | number>)[name]) === wanted)).reduce((sum, value) => sum + value.value, 0);
}

async function latencyCount(): Promise<number> {
  const { values } = await telemetry().deliveryLatency.get();
  return values.find((value) => value.metricName === "webhook_delivery_latency_seconds_count")?.value ?? 0;
}

/** One attempt by `trigger` against an endpoint that answers `status`; the delivery has one attempt in its schedule. */
async function attemptBy(trigger: Trigger, status: number) {
  const org = await makeOrganization();
  const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
  // A second endpoint hears the operational events.
  const listener = await makeEndpoint({ organizationId: org.id, url: `${receiver.url}?listener`, eventTypes: ["delivery.exhausted"] });
  receiver.setResponder((request, _index, res) => {
    res.writeHead(request.path.includes("listener") ? 200 : status);
    res.end();
  });
  const schedule = [0];
  if (trigger === "test") {
    await sendTestEvent({ organizationId: org.id, endpointId: endpoint.id, schedule });
  } else {
    const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", `${trigger}-${status}`, { n: 1 });
    const deliveryId = deliveries.find((delivery) => delivery.endpointId === endpoint.id)!.id;
    if (trigger === "scheduled") await processDueDeliveries({ schedule, endpointConcurrency: 100 });
    else await redeliver({ organizationId: org.id, deliveryId, schedule });
  }
  const circuit = await prisma.webhookCircuit.findUnique({ where: { key: endpoint.id } });
  const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
  const exhausted = await prisma.webhookEvent.count({ where: { organizationId: org.id, eventType: "delivery.exhausted" } });
  return { endpoint: row, circuit, exhausted, listener: listener.endpoint };
}

describe.each<Trigger>(["scheduled", "manual", "test"])("a %s attempt", (trigger) => {
  it("that fails: counted under its trigger, a failure for the breaker and the endpoint", async () => {
    const attemptsBefore = await counter("attempts", { trigger, outcome: "retry", status_class: "5xx" });
    const failedBefore = await counter("deliveries", { outcome: "failed" });
    const { endpoint, circuit, exhausted } = await attemptBy(trigger, 503);
    expect(await counter("attempts", { trigger, outcome: "retry", status_class: "5xx" })).toBe(attemptsBefore + 1);
    // scheduled and test: the delivery finished as failed. manual: the delivery stays pending,
    // its one scheduled attempt still to come (a manual attempt never uses one up).
    expect(await counter("deliveries", { outcome: "failed" })).toBe(failedBefore + (trigger === "manual" ? 0 : 1));
    expect(circuit).toMatchObject({ consecutiveFailures: 1 });
    expect(endpoint.failingSince).not.toBeNull();
    expect(endpoint.lastFailureAt).not.toBeNull();
    // Out of retries → announced; a test send has no retries to run out of, a manual one uses none.
    expect(exhausted).toBe(trigger === "scheduled" ? 1 : 0);
  });

  it("that succeeds: counted under its trigger, with its enqueue-to-delivered time, and a success for the endpoint", async () => {
    const attemptsBefore = await counter("attempts", { trigger, outcome: "success", status_class: "2xx" });
    const deliveredBefore = await counter("deliveries", { outcome: "delivered" });
    const latencyBefore = await latencyCount();
    const { endpoint, exhausted } = await attemptBy(trigger, 200);
    expect(await counter("attempts", { trigger, outcome: "success", status_class: "2xx" })).toBe(attemptsBefore + 1);
    expect(await counter("deliveries", { outcome: "delivered" })).toBe(deliveredBefore + 1);
    expect(await latencyCount()).toBe(latencyBefore + 1);
    expect(endpoint.lastSuccessAt).not.toBeNull();
    expect(endpoint.failingSince).toBeNull();
    expect(exhausted).toBe(0);
  });
});

it("a failed redelivery by hand neither uses up nor moves the next scheduled attempt; a successful one delivers", async () => {
  const org = await makeOrganization();
  const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
  receiver.setResponder(respondWith(503));
  const schedule = [0, 300, 1800];
  const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "by-hand", {});
  const deliveryId = deliveries.find((delivery) => delivery.endpointId === endpoint.id)!.id;
  await processDueDeliveries({ schedule, endpointConcurrency: 100 });
  const afterScheduled = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
  expect(afterScheduled).toMatchObject({ status: "pending", attempts: 1, manualAttempts: 0 });
  expect(afterScheduled.nextAttemptAt).not.toBeNull();

  await redeliver({ organizationId: org.id, deliveryId, schedule });
  await redeliver({ organizationId: org.id, deliveryId, schedule });
  const afterManual = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
  expect(afterManual).toMatchObject({ status: "pending", attempts: 1, manualAttempts: 2, nextAttemptAt: afterScheduled.nextAttemptAt });
  // Listed with the others, numbered in order, each under its trigger.
  const log = await prisma.webhookAttempt.findMany({ where: { deliveryId }, orderBy: { number: "asc" } });
  expect(log.map((attempt) => [attempt.number, attempt.trigger])).toEqual([
    [1, "scheduled"],
    [2, "manual"],
    [3, "manual"],
  ]);

  receiver.setResponder(respondWith(200));
  await redeliver({ organizationId: org.id, deliveryId, schedule });
  expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "delivered", attempts: 1, manualAttempts: 3, nextAttemptAt: null });
});

it("a manual attempt of a delivery that already finished is counted, but does not finish it again", async () => {
  const org = await makeOrganization();
  await makeEndpoint({ organizationId: org.id, url: receiver.url });
  receiver.setResponder(respondWith(200));
  const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "again", {});
  await processDueDeliveries({ endpointConcurrency: 100 });
  const attemptsBefore = await counter("attempts", { trigger: "manual", outcome: "success" });
  const deliveredBefore = await counter("deliveries", { outcome: "delivered" });
  await redeliver({ organizationId: org.id, deliveryId: deliveries[0]!.id });
  expect(await counter("attempts", { trigger: "manual", outcome: "success" })).toBe(attemptsBefore + 1);
  expect(await counter("deliveries", { outcome: "delivered" })).toBe(deliveredBefore);
});

it("a failing test send to a disabled endpoint leaves its disabled reason alone, however long it has been failing", async () => {
  const org = await makeOrganization();
  const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
  receiver.setResponder(respondWith(503));
  await disableEndpoint({ organizationId: org.id, endpointId: endpoint.id, reason: "Disabled by an administrator" });
  await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince: new Date(Date.now() - 6 * 86_400_000) } });
  const eventsBefore = await prisma.webhookEvent.count({ where: { organizationId: org.id } });
  const result = await sendTestEvent({ organizationId: org.id, endpointId: endpoint.id });
  expect(result).toMatchObject({ success: false, statusCode: 503 });
  expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({ status: "disabled", disabledReason: "Disabled by an administrator" });
  // Only the test event itself: no second endpoint.disabled announcement.
  expect(await prisma.webhookEvent.count({ where: { organizationId: org.id } })).toBe(eventsBefore + 1);
});
