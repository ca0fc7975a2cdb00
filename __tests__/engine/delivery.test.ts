import { Webhook } from "standardwebhooks";
import { prisma } from "@/lib/db";
import {
  generateHmacSignature,
  processDueDeliveries,
  rotateEndpointSecret,
  revealEndpointSecret,
  sendWebhookNotification,
  WebhookCircuitBreaker,
} from "@/lib/webhooks";
import { claimDueDeliveries } from "@/lib/webhooks/worker";
import { attemptDelivery } from "@/lib/webhooks/attempt";
import { setupEngineTest } from "../helpers/engine";
import { makeClock, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondInSequence, respondWith, type Receiver } from "../helpers/receiver";

const harness = setupEngineTest();

let receiver: Receiver;
beforeEach(async () => {
  receiver = await harness.receiver();
});

const noJitter = () => 0.5;

async function setup(responder = respondWith(200, {}, "ok")) {
  receiver.setResponder(responder);
  const clock = makeClock();
  const org = await makeOrganization();
  const { endpoint, secret } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
  const engine = { now: clock.now, random: noJitter };
  return { clock, org, endpoint, secret, engine };
}

describe("a delivery end to end", () => {
  it("sends the stored bytes, signed both ways, and records the attempt", async () => {
    const { org, endpoint, secret, engine } = await setup();
    const data = { amount: 1.0, name: "Zoë", big: "12345678901234567890", nested: { b: 1, a: [true, null] } };
    const { eventId, deliveries, duplicate } = await sendWebhookNotification(org.id, "invoice.settled", "inv-1", data, { now: engine.now });
    expect(duplicate).toBe(false);
    expect(deliveries).toEqual([{ id: expect.stringMatching(/^msg_/), endpointId: endpoint.id }]);

    expect(await processDueDeliveries(engine)).toBe(1);

    const stored = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(JSON.parse(stored.body)).toEqual({ event: "invoice.settled", idempotencyKey: "inv-1", timestamp: "2026-11-28T12:00:00.000Z", data });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.body).toBe(stored.body);
    expect(request!.headers).toMatchObject({
      "content-type": "application/json",
      "x-webhook-event": "invoice.settled",
      "x-webhook-timestamp": "2026-11-28T12:00:00.000Z",
      "x-webhook-signature": generateHmacSignature(stored.body, secret),
      "webhook-id": deliveries[0]!.id,
    });
    expect(request!.headers["user-agent"]).toMatch(/Webhooks/);
    // webhook-timestamp is the attempt's clock: verify as a receiver would at that moment.
    expect(request!.headers["webhook-timestamp"]).toBe(String(Date.parse("2026-11-28T12:00:00.000Z") / 1000));
    jest.useFakeTimers({ now: new Date("2026-11-28T12:00:00.000Z"), doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "queueMicrotask", "performance"] });
    try {
      expect(new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>)).toEqual(JSON.parse(stored.body));
    } finally {
      jest.useRealTimers();
    }

    const delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id }, include: { attemptLog: true } });
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200, nextAttemptAt: null, leaseOwner: null });
    expect(delivery.deliveredAt).toEqual(new Date("2026-11-28T12:00:00.000Z"));
    expect(delivery.attemptLog).toHaveLength(1);
    expect(delivery.attemptLog[0]).toMatchObject({ number: 1, trigger: "scheduled", statusCode: 200, success: true, responseBody: "ok", url: receiver.url });
    expect((delivery.attemptLog[0]!.requestHeaders as Record<string, string>)["webhook-signature"]).toMatch(/^v1,•+$/);
  });

  it("retries 500 on the schedule with the same webhook-id and fresh signatures, then succeeds", async () => {
    const { org, secret, engine, clock } = await setup(respondInSequence(500, 200));
    const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "inv-2", { id: 2 }, { now: engine.now });
    expect(await processDueDeliveries(engine)).toBe(1);

    let delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } });
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500" });
    expect(delivery.nextAttemptAt).toEqual(new Date(clock.now().getTime() + 5_000));
    expect(await processDueDeliveries(engine)).toBe(0); // not due yet

    clock.advance(3 * 60 * 60); // hours later
    expect(await processDueDeliveries(engine)).toBe(1);
    delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } });
    expect(delivery).toMatchObject({ status: "delivered", attempts: 2 });

    const [first, second] = receiver.requests;
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    expect(second!.headers["webhook-timestamp"]).not.toBe(first!.headers["webhook-timestamp"]);
    expect(second!.headers["webhook-signature"]).not.toBe(first!.headers["webhook-signature"]);
    // A standardwebhooks receiver verifies the retry at the time it arrives.
    jest.useFakeTimers({ now: clock.now(), doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "queueMicrotask", "performance"] });
    try {
      expect(() => new Webhook(secret).verify(second!.body, second!.headers as Record<string, string>)).not.toThrow();
      expect(() => new Webhook(secret).verify(first!.body, first!.headers as Record<string, string>)).toThrow(/timestamp/i);
    } finally {
      jest.useRealTimers();
    }
  });

  it.each([
    ["120", 120],
    ["1", 5], // never sooner than the schedule
    ["999999", 24 * 60 * 60], // never later than a day
  ])("honours Retry-After %s on 429, clamped (%i s)", async (header, seconds) => {
    const { org, engine, clock } = await setup(respondWith(429, { "Retry-After": header }));
    const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", `ra-${header}`, {}, { now: engine.now });
    await processDueDeliveries(engine);
    const delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } });
    expect(delivery.status).toBe("pending");
    expect(delivery.nextAttemptAt).toEqual(new Date(clock.now().getTime() + seconds * 1000));
  });

  it("fails at once on a 4xx other than 408/429", async () => {
    const { org, engine } = await setup(respondWith(400));
    const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "bad-request", {}, { now: engine.now });
    await processDueDeliveries(engine);
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } })).toMatchObject({
      status: "failed",
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: 400,
    });
  });

  it("treats a redirect as a failed attempt and never follows it", async () => {
    const target = await harness.receiver();
    const { org, engine } = await setup(respondWith(302, { Location: target.url }));
    const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "redirect", {}, { now: engine.now });
    await processDueDeliveries(engine);
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } })).toMatchObject({ status: "pending", lastStatusCode: 302 });
    expect(target.requests).toHaveLength(0);
  });

  it("marks a delivery failed after the last scheduled attempt", async () => {
    const { org, engine, clock } = await setup(respondWith(503));
    const schedule = [0, 10, 20];
    const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "exhaust", {}, { now: engine.now });
    for (let i = 0; i < 3; i++) {
      expect(await processDueDeliveries({ ...engine, schedule })).toBe(1);
      clock.advance(30);
    }
    expect(await processDueDeliveries({ ...engine, schedule })).toBe(0);
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } })).toMatchObject({ status: "failed", attempts: 3, nextAttemptAt: null });
    expect(await prisma.webhookAttempt.count({ where: { deliveryId: deliveries[0]!.id } })).toBe(3);
    // The tenant hears about it through an operational event (once).
    const exhausted = await prisma.webhookEvent.findMany({ where: { eventType: "delivery.exhausted" } });
    expect(exhausted).toHaveLength(1);
    expect(JSON.parse(exhausted[0]!.body).data).toMatchObject({ deliveryId: deliveries[0]!.id, event: "invoice.settled", attempts: 3 });
  });

  it("disables the endpoint on 410 Gone and cancels its other pending deliveries", async () => {
    const { org, endpoint, engine } = await setup(respondWith(410));
    const first = await sendWebhookNotification(org.id, "invoice.settled", "gone-1", {}, { now: engine.now });
    expect(await processDueDeliveries({ ...engine, limit: 1 })).toBe(1);
    const second = await sendWebhookNotification(org.id, "invoice.settled", "gone-2", {}, { now: engine.now });
    expect(second.deliveries).toHaveLength(0); // disabled endpoints get nothing new
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row).toMatchObject({ status: "disabled", disabledReason: expect.stringMatching(/410/) });
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: first.deliveries[0]!.id } })).toMatchObject({ status: "failed" });
  });

  it("cancels pending deliveries when the endpoint is disabled", async () => {
    const { org, endpoint, engine } = await setup(respondWith(410));
    const a = await sendWebhookNotification(org.id, "invoice.settled", "cancel-a", {}, { now: engine.now });
    const b = await sendWebhookNotification(org.id, "invoice.settled", "cancel-b", {}, { now: engine.now });
    await processDueDeliveries({ ...engine, limit: 1 });
    const statuses = await prisma.webhookDelivery.findMany({
      where: { id: { in: [a.deliveries[0]!.id, b.deliveries[0]!.id] } },
      select: { status: true },
    });
    expect(statuses.map((s) => s.status).sort()).toEqual(["cancelled", "failed"]);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).status).toBe("disabled");
  });

  it("refuses to send to a name that resolves to a private address, without connecting", async () => {
    const { org, engine } = await setup();
    const savedFlag = process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    const port = new URL(receiver.url).port;
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: `http://hooks.example.test:${port}/` });
    await prisma.webhookEndpoint.updateMany({ where: { organizationId: org.id, NOT: { id: endpoint.id } }, data: { status: "disabled" } });
    const lookup = ((_host: string, _options: unknown, callback: (...args: unknown[]) => void) =>
      callback(null, [{ address: "127.0.0.1", family: 4 }])) as never;
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "false";
    try {
      const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "rebind", {}, { now: engine.now });
      await processDueDeliveries({ ...engine, lookup });
      expect(receiver.requests).toHaveLength(0);
      expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } })).toMatchObject({ status: "failed" });
      const attempt = await prisma.webhookAttempt.findFirstOrThrow({ where: { deliveryId: deliveries[0]!.id } });
      expect(attempt).toMatchObject({ errorCode: "blocked_address", statusCode: null, success: false });
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = savedFlag;
    }
  });
});

describe("leases", () => {
  it("lets another worker take over after a crashed worker's lease expires, with the same webhook-id", async () => {
    const { org, engine, clock } = await setup();
    const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "lease", {}, { now: engine.now });
    const crashed = await claimDueDeliveries(10, { ...engine, workerId: "crashed", leaseSeconds: 60 });
    expect(crashed).toEqual([expect.objectContaining({ id: deliveries[0]!.id, leaseOwner: "crashed" })]);
    expect(await claimDueDeliveries(10, { ...engine, workerId: "other", leaseSeconds: 60 })).toEqual([]);

    clock.advance(61);
    const taken = await claimDueDeliveries(10, { ...engine, workerId: "other", leaseSeconds: 60 });
    expect(taken).toEqual([expect.objectContaining({ id: deliveries[0]!.id, leaseOwner: "other" })]);

    // The old owner wakes up: it may not record anything.
    expect(await attemptDelivery(crashed[0]!, engine)).toEqual({ kind: "lease_lost" });
    expect(await attemptDelivery(taken[0]!, engine)).toMatchObject({ kind: "attempted", status: "delivered" });
    expect(receiver.requests.map((r) => r.headers["webhook-id"])).toEqual([deliveries[0]!.id]);
    expect(await prisma.webhookAttempt.count()).toBe(1);
  });
});

describe("circuit breaker", () => {
  it("opens after 5 consecutive failures, lets one probe through after the cooldown, closes on success", async () => {
    const clock = makeClock();
    const breaker = new WebhookCircuitBreaker({ now: clock.now });
    for (let i = 0; i < 4; i++) expect(await breaker.recordFailure("ep_x")).toBe("closed");
    expect(await breaker.isOpen("ep_x")).toBe(false);
    expect(await breaker.recordFailure("ep_x")).toBe("open");
    expect(await breaker.isOpen("ep_x")).toBe(true);

    clock.advance(60);
    const probes = await Promise.all([breaker.isOpen("ep_x"), breaker.isOpen("ep_x"), breaker.isOpen("ep_x")]);
    expect(probes.filter((open) => !open)).toHaveLength(1); // exactly one probe
    expect((await breaker.status("ep_x")).state).toBe("half_open");

    expect(await breaker.recordFailure("ep_x")).toBe("open"); // failed probe re-opens, longer cooldown
    clock.advance(60);
    expect(await breaker.isOpen("ep_x")).toBe(true);
    clock.advance(60);
    expect(await breaker.isOpen("ep_x")).toBe(false);
    await breaker.recordSuccess("ep_x");
    expect(await breaker.status("ep_x")).toMatchObject({ state: "closed", consecutiveFailures: 0 });
    expect(await breaker.isOpen("ep_x")).toBe(false);
  });

  it("holds an endpoint's deliveries without using attempts while its circuit is open", async () => {
    const { org, endpoint, engine, clock } = await setup(respondWith(500));
    for (let i = 0; i < 5; i++) await sendWebhookNotification(org.id, "invoice.settled", `cb-${i}`, {}, { now: engine.now });
    expect(await processDueDeliveries(engine)).toBe(5);
    expect((await new WebhookCircuitBreaker({ now: clock.now }).status(endpoint.id)).state).toBe("open");

    clock.advance(10); // retries are due, the circuit is not
    expect(await processDueDeliveries(engine)).toBe(0);
    expect(receiver.requests).toHaveLength(5);
    const attempts = await prisma.webhookDelivery.findMany({ select: { attempts: true } });
    expect(attempts.every((row) => row.attempts === 1)).toBe(true);

    receiver.setResponder(respondWith(200));
    clock.advance(60);
    // One probe goes out first; when it succeeds the rest follow.
    expect(await processDueDeliveries({ ...engine, limit: 1 })).toBe(1);
    expect(await processDueDeliveries(engine)).toBe(4);
    expect(await prisma.webhookDelivery.count({ where: { status: "delivered" } })).toBe(5);
  });

  it("disables an endpoint that has failed every attempt for 5 days", async () => {
    const { org, endpoint, engine, clock } = await setup(respondWith(500));
    await sendWebhookNotification(org.id, "invoice.settled", "five-days-1", {}, { now: engine.now });
    await processDueDeliveries(engine);
    clock.advance(5 * 24 * 60 * 60);
    await prisma.webhookCircuit.deleteMany();
    await sendWebhookNotification(org.id, "invoice.settled", "five-days-2", {}, { now: engine.now });
    await processDueDeliveries(engine);
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      status: "disabled",
      disabledReason: expect.stringMatching(/5 days/),
    });
  });
});

describe("secrets", () => {
  it("stores the secret encrypted and reveals it only on request", async () => {
    const { org, endpoint, secret } = await setup();
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.secretEncrypted).not.toContain(secret.slice(6));
    expect(await revealEndpointSecret({ organizationId: org.id, endpointId: endpoint.id })).toBe(secret);
  });

  it("signs with the new and the previous secret during the rotation grace, then only the new one", async () => {
    const { org, endpoint, secret: oldSecret, engine, clock } = await setup();
    const { secret: newSecret, endpoint: rotated } = await rotateEndpointSecret({ organizationId: org.id, endpointId: endpoint.id, now: clock.now });
    expect(rotated.previousSecretExpiresAt).toEqual(new Date(clock.now().getTime() + 24 * 60 * 60 * 1000));
    await sendWebhookNotification(org.id, "invoice.settled", "rotate-1", {}, { now: engine.now });
    await processDueDeliveries(engine);

    clock.advance(25 * 60 * 60);
    await sendWebhookNotification(org.id, "invoice.settled", "rotate-2", {}, { now: engine.now });
    await processDueDeliveries(engine);

    const [during, after] = receiver.requests;
    expect(String(during!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(String(after!.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    const verifyAt = (when: Date, secret: string, request: typeof during) => {
      jest.useFakeTimers({ now: when, doNotFake: ["nextTick", "setImmediate", "setTimeout", "setInterval", "queueMicrotask", "performance"] });
      try {
        new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      } finally {
        jest.useRealTimers();
      }
    };
    const duringAt = new Date(Number(during!.headers["webhook-timestamp"]) * 1000);
    const afterAt = new Date(Number(after!.headers["webhook-timestamp"]) * 1000);
    expect(verifyAt(duringAt, oldSecret, during)).toBe(true);
    expect(verifyAt(duringAt, newSecret, during)).toBe(true);
    expect(verifyAt(afterAt, newSecret, after)).toBe(true);
    expect(verifyAt(afterAt, oldSecret, after)).toBe(false);
    expect(after!.headers["x-webhook-signature"]).toBe(generateHmacSignature(after!.body, newSecret));
  });
});
