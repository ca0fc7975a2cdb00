import { prisma } from "@/lib/db";
import { attemptsAllowed, getDeliveryDetail } from "@/lib/webhooks/history";
import { RETRY_SCHEDULE_SECONDS } from "@/lib/webhooks/retry-policy";
import { retrySchedule, scheduleSpanText, SHORT_RETRY_SCHEDULE_SECONDS } from "@/lib/webhooks/retry-presets";
import { processDueDeliveries, sendWebhookNotification, updateEndpoint } from "@/lib/webhooks";
import { setupEngineTest } from "../helpers/engine";
import { makeClock, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondWith } from "../helpers/receiver";

/** Retry presets per endpoint (lib/webhooks/retry-presets.ts), on the database under test. */
const harness = setupEngineTest();

/** random() = 0.5: no jitter, so the delays are the schedule's own. */
const noJitter = () => 0.5;

describe("retry presets", () => {
  it("describes each preset", () => {
    expect(retrySchedule("standard")).toBe(RETRY_SCHEDULE_SECONDS);
    expect(scheduleSpanText(RETRY_SCHEDULE_SECONDS)).toBe("8 attempts over about 27.6 hours");
    expect(scheduleSpanText(SHORT_RETRY_SCHEDULE_SECONDS)).toBe("7 attempts over about 63 minutes");
    expect(scheduleSpanText(retrySchedule("none"))).toBe("one attempt, no retries");
    expect(attemptsAllowed("short")).toBe(7);
    expect(attemptsAllowed("none")).toBe(1);
    expect(attemptsAllowed("standard", 3)).toBe(3);
  });

  it("'none' gives up after the first failed attempt", async () => {
    const receiver = await harness.receiver(respondWith(503));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, retryPreset: "none" });
    const sent = await sendWebhookNotification(org.id, "invoice.settled", "once", {});
    await processDueDeliveries();
    const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: sent.deliveries[0]!.id } });
    expect(row).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null });
    const detail = await getDeliveryDetail({ organizationId: org.id, deliveryId: row.id });
    expect(detail.state).toMatchObject({ outcome: "failed", attemptsMade: 1, attemptsAllowed: 1 });
  });

  it("'short' follows its hour-long schedule, then gives up", async () => {
    const receiver = await harness.receiver(respondWith(500));
    const clock = makeClock();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, retryPreset: "short" });
    const sent = await sendWebhookNotification(org.id, "invoice.settled", "short", {}, { now: clock.now });
    const delays: number[] = [];
    for (let attempt = 0; attempt < SHORT_RETRY_SCHEDULE_SECONDS.length; attempt++) {
      // The circuit would hold the endpoint after five failures in a row; this test is about the schedule.
      await prisma.webhookCircuit.deleteMany();
      expect(await processDueDeliveries({ now: clock.now, random: noJitter })).toBe(1);
      const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: sent.deliveries[0]!.id } });
      if (row.nextAttemptAt === null) break;
      const delay = (row.nextAttemptAt.getTime() - clock.now().getTime()) / 1000;
      delays.push(delay);
      clock.advance(delay);
    }
    expect(delays).toEqual(SHORT_RETRY_SCHEDULE_SECONDS.slice(1));
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: sent.deliveries[0]!.id } })).toMatchObject({ status: "failed", attempts: 7 });
  });

  it("'standard' follows the installation's schedule, and a change of preset applies from the next failure", async () => {
    const receiver = await harness.receiver(respondWith(500));
    const clock = makeClock();
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const sent = await sendWebhookNotification(org.id, "invoice.settled", "standard", {}, { now: clock.now });
    await processDueDeliveries({ now: clock.now, random: noJitter, schedule: [0, 42, 42] });
    const row = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: sent.deliveries[0]!.id } });
    expect((row.nextAttemptAt!.getTime() - clock.now().getTime()) / 1000).toBe(42);
    await updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, retryPreset: "none" });
    clock.advance(42);
    await processDueDeliveries({ now: clock.now, random: noJitter, schedule: [0, 42, 42] });
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "failed", attempts: 2 });
  });
});
