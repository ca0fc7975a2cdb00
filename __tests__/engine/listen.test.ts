import { prisma } from "@/lib/db";
import { processDueDeliveries, sendWebhookNotification } from "@/lib/webhooks";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { WebhookConflictError, WebhookNotFoundError } from "@/lib/webhooks/errors";
import { receiveListenAnswer, serveListenStream, sweepListenEndpoints, type ForwardedAttempt } from "@/lib/webhooks/listen";
import { redeliver, sendTestEvent } from "@/lib/webhooks/manual";
import { diagnoseEndpoint } from "@/lib/webhooks/diagnose";
import { listDeliveries } from "@/lib/webhooks/history";
import { verifyStandardWebhookSignature } from "@/lib/webhooks/sign";
import { setupEngineTest } from "../helpers/engine";
import { makeClock, makeOrganization } from "../helpers/fixtures";
import { respondWith } from "../helpers/receiver";

/**
 * A listen endpoint end to end inside one process: the stream's `send` is captured here (as the
 * route would write it down the wire), answers come back through receiveListenAnswer (as the
 * answers route does), and everything else — claim, signing, recording, retries, the workers'
 * claim, the sweep — is the real thing on the real database.
 */
const harness = setupEngineTest();

/** The real time, moved forward by `advance` (enqueue stamps events with the real time). */
function runningClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(seconds: number) {
      offsetMs += seconds * 1000;
    },
  };
}

/** Retries `check` (an assertion) until it passes, for up to 20 s. */
async function eventually(check: () => unknown): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

interface Stream {
  events: { event: string | undefined; data: string }[];
  forwarded: ForwardedAttempt[];
  done: Promise<void>;
  close(): Promise<void>;
}

function openStream(organizationId: string, endpointId: string, now: () => Date): Stream {
  const abort = new AbortController();
  const stream: Stream = {
    events: [],
    forwarded: [],
    done: Promise.resolve(),
    async close() {
      abort.abort();
      await stream.done;
    },
  };
  stream.done = serveListenStream({
    organizationId,
    endpointId,
    now,
    signal: abort.signal,
    send: (event, data) => {
      stream.events.push({ event, data });
      if (event === "delivery") stream.forwarded.push(JSON.parse(data) as ForwardedAttempt);
    },
  });
  return stream;
}

async function setup() {
  const organization = await makeOrganization("Listen");
  const { endpoint, secret } = await createEndpoint({ organizationId: organization.id, kind: "cli", url: "ignored", eventTypes: ["invoice.settled"] });
  return { organizationId: organization.id, endpointId: endpoint.id, secret };
}

const status = (id: string) => prisma.webhookDelivery.findUniqueOrThrow({ where: { id }, include: { attemptLog: { orderBy: { number: "asc" } } } });

describe("a listen endpoint", () => {
  it("starts disabled with a cli:// address, and cannot be tested, diagnosed or redelivered by hand", async () => {
    const { organizationId, endpointId } = await setup();
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
    expect(row).toMatchObject({ kind: "cli", status: "disabled", url: "cli://listen", disabledReason: "The listen CLI is not connected" });
    await expect(sendTestEvent({ organizationId, endpointId })).rejects.toBeInstanceOf(WebhookConflictError);
    await expect(diagnoseEndpoint({ organizationId, endpointId })).rejects.toMatchObject({ code: "listen_endpoint" });
  });

  it("forwards each delivery down the stream, signed, and records the CLI's answer as the attempt", async () => {
    const { organizationId, endpointId, secret } = await setup();
    const clock = runningClock();
    const stream = openStream(organizationId, endpointId, clock.now);
    await eventually(() => expect(stream.events[0]).toMatchObject({ event: "ready" }));
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).status).toBe("active");

    const sent = await sendWebhookNotification(organizationId, "invoice.settled", "inv-1", { amount: 4200 });
    await eventually(() => expect(stream.forwarded).toHaveLength(1));
    const forwarded = stream.forwarded[0]!;
    expect(forwarded).toMatchObject({ eventType: "invoice.settled", deliveryId: sent.deliveries[0]!.id });
    expect(JSON.parse(forwarded.body)).toMatchObject({ data: { amount: 4200 } });
    expect(
      verifyStandardWebhookSignature({
        messageId: forwarded.headers["webhook-id"]!,
        timestamp: forwarded.headers["webhook-timestamp"]!,
        body: forwarded.body,
        signature: forwarded.headers["webhook-signature"]!,
        secret,
      }),
    ).toBe(true);

    // Workers leave it alone even while it waits for the answer.
    expect(await processDueDeliveries()).toBe(0);
    expect(await receiveListenAnswer({ organizationId, endpointId, answer: { id: forwarded.id, status: 200, headers: { "X-Local": "yes" }, body: "ok", durationMs: 7 } })).toEqual({ local: true });
    await eventually(async () => expect((await status(forwarded.deliveryId)).status).toBe("delivered"));
    const delivered = await status(forwarded.deliveryId);
    expect(delivered.attemptLog).toHaveLength(1);
    expect(delivered.attemptLog[0]).toMatchObject({ statusCode: 200, responseBody: "ok", trigger: "scheduled" });
    await stream.close();
  });

  it("retries a failed local answer on the schedule, holds what is pending while disconnected, and sends it on the next connection", async () => {
    const { organizationId, endpointId } = await setup();
    const clock = runningClock();
    let stream = openStream(organizationId, endpointId, clock.now);
    await eventually(() => expect(stream.events[0]).toMatchObject({ event: "ready" }));
    await sendWebhookNotification(organizationId, "invoice.settled", "inv-2", { amount: 1 });
    await eventually(() => expect(stream.forwarded).toHaveLength(1));
    const first = stream.forwarded[0]!;
    await receiveListenAnswer({ organizationId, endpointId, answer: { id: first.id, status: 500, body: "boom", durationMs: 3 } });
    await eventually(async () => expect((await status(first.deliveryId)).attempts).toBe(1));
    expect((await status(first.deliveryId)).status).toBe("pending");

    await stream.close();
    const endpoint = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
    expect(endpoint).toMatchObject({ status: "disabled", disabledReason: "The listen CLI is not connected" });
    // Nothing was cancelled: it waits, held, and the workers still do not take it once it is due.
    clock.advance(3600);
    expect(await processDueDeliveries({ now: clock.now })).toBe(0);
    const page = await listDeliveries({ organizationId, endpointId });
    expect(page.items[0]).toMatchObject({ status: "pending", state: { outcome: "held", heldBy: "listen_disconnected" } });
    await expect(redeliver({ organizationId, deliveryId: first.deliveryId })).rejects.toMatchObject({ code: "listen_endpoint" });

    stream = openStream(organizationId, endpointId, clock.now);
    await eventually(() => expect(stream.forwarded).toHaveLength(1));
    expect(stream.forwarded[0]!.deliveryId).toBe(first.deliveryId);
    await receiveListenAnswer({ organizationId, endpointId, answer: { id: stream.forwarded[0]!.id, status: 204, durationMs: 2 } });
    await eventually(async () => expect((await status(first.deliveryId)).status).toBe("delivered"));
    expect((await status(first.deliveryId)).attemptLog.map((attempt) => attempt.statusCode)).toEqual([500, 204]);
    await stream.close();
  });

  it("sends what waited as soon as the CLI connects again, without waiting for the retry schedule", async () => {
    const { organizationId, endpointId } = await setup();
    const clock = runningClock();
    let stream = openStream(organizationId, endpointId, clock.now);
    await eventually(() => expect(stream.events[0]).toMatchObject({ event: "ready" }));
    const sent = await sendWebhookNotification(organizationId, "invoice.settled", "inv-again", { amount: 2 });
    const deliveryId = sent.deliveries[0]!.id;
    // Two local failures: the next attempt is 5 minutes away on the standard schedule.
    for (let attempt = 1; attempt <= 2; attempt++) {
      await eventually(() => expect(stream.forwarded).toHaveLength(attempt));
      await receiveListenAnswer({ organizationId, endpointId, answer: { id: stream.forwarded[attempt - 1]!.id, status: 500, body: "boom", durationMs: 3 } });
      await eventually(async () => expect((await status(deliveryId)).attempts).toBe(attempt));
      clock.advance(10);
    }
    const waiting = await status(deliveryId);
    expect(waiting.nextAttemptAt!.getTime() - clock.now().getTime()).toBeGreaterThan(60_000);
    await stream.close();

    // The developer fixed the local server and started the CLI again: it gets the delivery now.
    stream = openStream(organizationId, endpointId, clock.now);
    await eventually(() => expect(stream.forwarded).toHaveLength(1));
    expect(stream.forwarded[0]!.deliveryId).toBe(deliveryId);
    await receiveListenAnswer({ organizationId, endpointId, answer: { id: stream.forwarded[0]!.id, status: 200, durationMs: 2 } });
    await eventually(async () => expect((await status(deliveryId)).status).toBe("delivered"));
    expect((await status(deliveryId)).attemptLog.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    await stream.close();
  });

  it("records an attempt the CLI could not make, and one cut off by the CLI going away, as failed connections", async () => {
    const { organizationId, endpointId } = await setup();
    const stream = openStream(organizationId, endpointId, () => new Date());
    await eventually(() => expect(stream.events[0]).toMatchObject({ event: "ready" }));
    await sendWebhookNotification(organizationId, "invoice.settled", "inv-3", {});
    await sendWebhookNotification(organizationId, "invoice.settled", "inv-4", {});
    await eventually(() => expect(stream.forwarded).toHaveLength(2));
    const [refused, cut] = stream.forwarded as [ForwardedAttempt, ForwardedAttempt];
    await receiveListenAnswer({ organizationId, endpointId, answer: { id: refused.id, error: { code: "connection_failed", message: "connect ECONNREFUSED 127.0.0.1:4242" }, durationMs: 1 } });
    await eventually(async () => expect((await status(refused.deliveryId)).attemptLog).toHaveLength(1));
    expect((await status(refused.deliveryId)).attemptLog[0]!.error).toContain("ECONNREFUSED 127.0.0.1:4242");

    await stream.close();
    const after = await status(cut.deliveryId);
    expect(after).toMatchObject({ status: "pending", attempts: 1 });
    expect(after.attemptLog[0]!.error).toContain("disconnected");
  });

  it("takes an answer another web process stored (as one does when it does not hold the stream) when the NOTIFY comes", async () => {
    const { organizationId, endpointId } = await setup();
    const stream = openStream(organizationId, endpointId, () => new Date());
    await eventually(() => expect(stream.events[0]).toMatchObject({ event: "ready" }));
    await sendWebhookNotification(organizationId, "invoice.settled", "inv-5", {});
    await eventually(() => expect(stream.forwarded).toHaveLength(1));
    const forwarded = stream.forwarded[0]!;
    // What receiveListenAnswer does in a process without the waiter: store the answer, then NOTIFY.
    await prisma.listenResult.create({ data: { id: forwarded.id, endpointId, result: JSON.stringify({ id: forwarded.id, status: 202, body: "queued", durationMs: 4 }) } });
    await prisma.$executeRawUnsafe(`SELECT pg_notify('webhook_listen_results', '')`);
    await eventually(async () => expect((await status(forwarded.deliveryId)).status).toBe("delivered"));
    expect((await status(forwarded.deliveryId)).attemptLog[0]).toMatchObject({ statusCode: 202, responseBody: "queued" });
    expect(await prisma.listenResult.count()).toBe(0);
    await stream.close();
  });

  it("hands an answer that reached another process to the one holding the stream, and refuses other organizations'", async () => {
    const { organizationId, endpointId } = await setup();
    const other = await setup();
    await expect(
      receiveListenAnswer({ organizationId: other.organizationId, endpointId, answer: { id: "lsn_01m8yg97xvfq9v6fpyyrkpqyw8", status: 200, durationMs: 1 } }),
    ).rejects.toBeInstanceOf(WebhookNotFoundError);
    // Not held here: stored for the holder, which a NOTIFY wakes.
    expect(await receiveListenAnswer({ organizationId, endpointId, answer: { id: "lsn_01m8yg97xvfq9v6fpyyrkpqyw8", status: 200, durationMs: 1 } })).toEqual({ local: false });
    expect(await prisma.listenResult.findUnique({ where: { id: "lsn_01m8yg97xvfq9v6fpyyrkpqyw8" } })).toMatchObject({ endpointId });
    // An http endpoint is not a listen endpoint.
    const receiver = await harness.receiver(respondWith(200));
    const { endpoint } = await createEndpoint({ organizationId, url: receiver.url });
    await expect(receiveListenAnswer({ organizationId, endpointId: endpoint.id, answer: { id: "lsn_01m8yg97xvfq9v6fpyyrkpqyw9", status: 200, durationMs: 1 } })).rejects.toBeInstanceOf(WebhookNotFoundError);
  });

  it("is disabled when its web process vanished, and deleted after a day without a stream; http endpoints are never touched", async () => {
    const { organizationId, endpointId } = await setup();
    const receiver = await harness.receiver(respondWith(200));
    const { endpoint: http } = await createEndpoint({ organizationId, url: receiver.url });
    const clock = makeClock(new Date());
    // As if a web process had connected it and died without saying so.
    await prisma.webhookEndpoint.update({ where: { id: endpointId }, data: { status: "active", disabledReason: null, listenSeenAt: clock.now() } });
    clock.advance(60);
    expect(await sweepListenEndpoints({ now: clock.now })).toEqual({ disconnected: 0, deleted: 0 });
    clock.advance(120);
    expect(await sweepListenEndpoints({ now: clock.now })).toEqual({ disconnected: 1, deleted: 0 });
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).status).toBe("disabled");
    clock.advance(23 * 3600);
    expect(await sweepListenEndpoints({ now: clock.now })).toEqual({ disconnected: 0, deleted: 0 });
    clock.advance(3601);
    expect(await sweepListenEndpoints({ now: clock.now })).toEqual({ disconnected: 0, deleted: 1 });
    expect(await prisma.webhookEndpoint.findUnique({ where: { id: endpointId } })).toBeNull();
    expect(await prisma.webhookEndpoint.findUnique({ where: { id: http.id } })).not.toBeNull();
  });
});
