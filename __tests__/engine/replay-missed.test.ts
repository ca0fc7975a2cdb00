import { prisma } from "@/lib/db";
import { disableEndpoint, enableEndpoint, sendWebhookNotification, updateEndpoint } from "@/lib/webhooks";
import { countRecoverable, recoverDeliveries } from "@/lib/webhooks/manual";
import { endpointActivity } from "@/lib/webhooks/endpoint-activity";
import { processDueDeliveries } from "@/lib/webhooks/worker";
import { setupEngineTest } from "../helpers/engine";
import { makeClock, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondWith } from "../helpers/receiver";

/**
 * What an endpoint missed while it was disabled: recorded as cancelled deliveries (reason
 * `endpoint_disabled`), left out of success rates, and replayed through the normal pipeline
 * with their own ids — by the same function as "recover failed since", with its own filter.
 */
const harness = setupEngineTest();

describe("replay what was missed while disabled", () => {
  it("records each matching event as cancelled, replays exactly those with their own ids, once", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const clock = makeClock();
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, eventTypes: ["order.shipped"] });
    const other = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const ref = { organizationId: org.id, endpointId: endpoint.id };
    const engine = { now: clock.now };

    const before = await sendWebhookNotification(org.id, "order.shipped", "before", {}, engine);
    await processDueDeliveries(engine);
    clock.advance(60);
    // Pending when the endpoint is disabled: cancelled with it, and missed too.
    const pendingAtDisable = await sendWebhookNotification(org.id, "order.shipped", "pending-at-disable", {}, engine);
    clock.advance(1);
    await disableEndpoint({ ...ref, now: clock.now });
    clock.advance(60);
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await sendWebhookNotification(org.id, "order.shipped", `while-disabled-${i}`, { i }, engine));
    // Not subscribed: not missed.
    await sendWebhookNotification(org.id, "order.cancelled", "unsubscribed", {}, engine);

    // Producers see only deliveries that will be attempted; the other endpoint's go on.
    expect(missed.every((result) => result.deliveries.every((delivery) => delivery.endpointId === other.endpoint.id))).toBe(true);
    const stored = await prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id, status: "cancelled" }, orderBy: { createdAt: "asc" } });
    expect(stored).toHaveLength(4);
    expect(stored.every((delivery) => delivery.cancelReason === "endpoint_disabled")).toBe(true);
    expect(stored.slice(1).every((delivery) => delivery.lastError === "Not sent: the endpoint was disabled" && delivery.nextAttemptAt === null)).toBe(true);
    // A duplicate send while disabled reports no delivery to the disabled endpoint either.
    const repeat = await sendWebhookNotification(org.id, "order.shipped", "while-disabled-0", { i: 0 }, engine);
    expect(repeat.duplicate).toBe(true);
    expect(repeat.deliveries.map((delivery) => delivery.endpointId)).toEqual([other.endpoint.id]);

    // Left out of the success rate: one delivered of one attempted.
    const activity = (await endpointActivity({ organizationId: org.id, now: clock.now })).get(endpoint.id)!;
    expect(activity.last24h).toMatchObject({ total: 5, delivered: 1, cancelled: 4, attempted: 1, successRate: 100 });
    expect(activity.lastOutcome).toBe("cancelled");

    // Nothing to replay while disabled (a conflict), then 4 after enabling.
    await expect(recoverDeliveries({ ...ref, filter: { missed: true } })).rejects.toMatchObject({ code: "endpoint_disabled" });
    clock.advance(60);
    await enableEndpoint(ref);
    expect((await countRecoverable({ ...ref, filter: { missed: true } })).count).toBe(4);
    expect(await recoverDeliveries({ ...ref, filter: { missed: true }, now: clock.now })).toBe(4);
    expect((await countRecoverable({ ...ref, filter: { missed: true } })).count).toBe(0);
    while ((await processDueDeliveries(engine)) > 0);
    const ids = receiver.requests.map((request) => request.headers["webhook-id"]);
    const expected = [pendingAtDisable, ...missed].map((result) => stored.find((delivery) => delivery.eventId === result.eventId)!.id);
    for (const id of expected) expect(ids.filter((seen) => seen === id)).toHaveLength(1);
    expect(ids).toContain(before.deliveries.find((delivery) => delivery.endpointId === endpoint.id)!.id);
    // A second replay finds nothing.
    expect(await recoverDeliveries({ ...ref, filter: { missed: true }, now: clock.now })).toBe(0);
  });

  it("counts only the latest disabled period, and leaves failed deliveries to 'recover failed since'", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const clock = makeClock();
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const ref = { organizationId: org.id, endpointId: endpoint.id };
    const engine = { now: clock.now };

    await disableEndpoint({ ...ref, now: clock.now });
    clock.advance(10);
    await sendWebhookNotification(org.id, "order.shipped", "first-period", {}, engine);
    clock.advance(10);
    await enableEndpoint(ref);
    clock.advance(10);
    await disableEndpoint({ ...ref, now: clock.now });
    clock.advance(10);
    await sendWebhookNotification(org.id, "order.shipped", "second-period", {}, engine);
    clock.advance(10);
    await enableEndpoint(ref);
    expect((await countRecoverable({ ...ref, filter: { missed: true } })).count).toBe(1);

    // A failed delivery is "recover failed since"'s, not the replay's; the older missed one is too.
    const failed = await sendWebhookNotification(org.id, "order.shipped", "failed", {}, engine);
    await prisma.webhookDelivery.update({ where: { id: failed.deliveries[0]!.id }, data: { status: "failed", attempts: 8 } });
    expect((await countRecoverable({ ...ref, filter: { missed: true } })).count).toBe(1);
    clock.advance(10);
    expect(await recoverDeliveries({ ...ref, filter: { failedSince: new Date(clock.now().getTime() - 3_600_000) }, now: clock.now })).toBe(3);
    expect((await countRecoverable({ ...ref, filter: { missed: true } })).count).toBe(0);
    await expect(recoverDeliveries({ ...ref, filter: { failedSince: new Date(clock.now().getTime() + 60_000) }, now: clock.now })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("replays an ordered endpoint's missed deliveries in their order by key", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const clock = makeClock();
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const ref = { organizationId: org.id, endpointId: endpoint.id };
    await updateEndpoint({ ...ref, ordering: "ordered" });
    const engine = { now: clock.now };
    await disableEndpoint({ ...ref, now: clock.now });
    for (let i = 0; i < 5; i++) {
      clock.advance(1);
      await sendWebhookNotification(org.id, "order.shipped", `ordered-${i}`, { i }, { ...engine, orderingKey: "order-1" });
    }
    await enableEndpoint(ref);
    expect(await recoverDeliveries({ ...ref, filter: { missed: true }, now: clock.now })).toBe(5);
    for (let round = 0; round < 20 && receiver.requests.length < 5; round++) await processDueDeliveries(engine);
    expect(receiver.requests.map((request) => JSON.parse(request.body).data.i)).toEqual([0, 1, 2, 3, 4]);
  });
});
