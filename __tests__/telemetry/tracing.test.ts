import http from "node:http";
import type { AddressInfo } from "node:net";
import { prisma } from "@/lib/db";
import { generateHmacSignature, processDueDeliveries, sendWebhookNotification, sendWebhookNotifications, startWorker } from "@/lib/webhooks";
import { redeliver } from "@/lib/webhooks/manual";
import { flushTracing, SPAN_NAMES, startTracing, stopTracing, tracingEnabled } from "@/lib/webhooks/tracing";
import { setupEngineTest } from "../helpers/engine";
import { withEnv } from "../helpers/env";
import { eventually } from "../helpers/eventually";
import { makeClock, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../helpers/otlp-receiver";
import { respondWith } from "../helpers/receiver";

/**
 * Traces exported to a real OTLP/HTTP collector in this process: the spans of
 * ingest → enqueue → claim → attempt → record, their parent links across the stored
 * event, their attributes, and the traceparent header a receiver gets.
 */

const harness = setupEngineTest();
let collector: OtlpReceiver;

beforeAll(async () => {
  collector = await startOtlpReceiver();
});
withEnv(() => ({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: "webhooks-under-test" }));
beforeAll(() => {
  expect(startTracing({ role: "worker" })).toBe(true);
});
afterAll(async () => {
  await stopTracing();
  await collector.close();
});
beforeEach(() => {
  collector.spans.length = 0;
});

const noJitter = () => 0.5;
const SPAN_KIND_PRODUCER = 4;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

/** The spans exported so far (after a flush). */
async function exported(): Promise<ReceivedSpan[]> {
  await flushTracing();
  return collector.spans;
}

function only(spans: ReceivedSpan[], name: string, where: (span: ReceivedSpan) => boolean = () => true): ReceivedSpan {
  const found = spans.filter((span) => span.name === name && where(span));
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0]!;
}

const traceparentOf = (span: ReceivedSpan) => `00-${span.traceId}-${span.spanId}-01`;

/** An address on 127.0.0.1 where nothing listens: a refused connection. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hooks`;
}

describe("traces over OTLP/HTTP", () => {
  it("links ingest → enqueue, stores the enqueue's context with the event, and makes the attempt its child, linked to the claim", async () => {
    const receiver = await harness.receiver(respondWith(200, {}, "ok"));
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const { eventId, deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "inv-1", { amount: 1 });
    expect(await processDueDeliveries({ random: noJitter, workerId: "worker-traced" })).toBe(1);

    const spans = await exported();
    const ingest = only(spans, SPAN_NAMES.ingest);
    const enqueue = only(spans, SPAN_NAMES.enqueue);
    const claim = only(spans, SPAN_NAMES.claim);
    const attempt = only(spans, SPAN_NAMES.attempt);
    const record = only(spans, SPAN_NAMES.record);

    expect(ingest.parentSpanId).toBe("");
    expect(ingest.attributes).toMatchObject({
      "webhook.organization_id": org.id,
      "webhook.event_type": "invoice.settled",
      "webhook.event_id": eventId,
      "webhook.deliveries": 1,
      "webhook.duplicate": false,
    });
    expect(enqueue).toMatchObject({ traceId: ingest.traceId, parentSpanId: ingest.spanId, kind: SPAN_KIND_PRODUCER });

    // The context a worker continues is the one stored by the statement that wrote the event.
    const stored = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(stored.traceparent).toBe(traceparentOf(enqueue));

    // The claim is a trace of its own; the attempt sits in the ingest's trace and links to the claim.
    expect(claim.parentSpanId).toBe("");
    expect(claim.traceId).not.toBe(ingest.traceId);
    expect(claim.attributes).toMatchObject({ "webhook.claim.count": 1, "webhook.worker.id": "worker-traced" });
    expect(attempt).toMatchObject({ traceId: ingest.traceId, parentSpanId: enqueue.spanId, kind: SPAN_KIND_CLIENT, statusCode: 0 });
    expect(attempt.links).toEqual([{ traceId: claim.traceId, spanId: claim.spanId }]);
    const port = Number(new URL(receiver.url).port);
    expect(attempt.attributes).toEqual(
      expect.objectContaining({
        "server.address": "127.0.0.1",
        "server.port": port,
        "http.request.method": "POST",
        "http.response.status_code": 200,
        "webhook.attempt.number": 1,
        "webhook.attempt.trigger": "scheduled",
        "webhook.attempt.outcome": "success",
        "webhook.event_type": "invoice.settled",
        "webhook.delivery_id": deliveries[0]!.id,
        "webhook.endpoint_id": endpoint.id,
        "webhook.organization_id": org.id,
      }),
    );
    expect(attempt.attributes).not.toHaveProperty("error.type");
    expect(record).toMatchObject({ traceId: ingest.traceId, parentSpanId: attempt.spanId, statusCode: 0 });
    expect(record.attributes["webhook.delivery_id"]).toBe(deliveries[0]!.id);

    // The process that exported them, told apart by role and instance.
    expect(attempt.resource).toMatchObject({ "service.name": "webhooks-under-test", "webhook.process.role": "worker" });
    expect(attempt.resource["service.instance.id"]).toMatch(/:\d+$/);
    // Off by default: no trace header at the receiver.
    expect(receiver.requests[0]!.headers).not.toHaveProperty("traceparent");
  });

  it("marks a 500 as an error of class http_5xx and numbers the next attempt, in the same trace", async () => {
    const receiver = await harness.receiver(respondWith(500, {}, "down"));
    const clock = makeClock();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    await sendWebhookNotification(org.id, "invoice.settled", "inv-500", {}, { now: clock.now });
    const engine = { now: clock.now, random: noJitter, schedule: [0, 5, 60] };
    expect(await processDueDeliveries(engine)).toBe(1);
    clock.advance(10);
    expect(await processDueDeliveries(engine)).toBe(1);

    const spans = await exported();
    const enqueue = only(spans, SPAN_NAMES.enqueue);
    const attempts = spans.filter((span) => span.name === SPAN_NAMES.attempt).sort((a, b) => Number(a.attributes["webhook.attempt.number"]) - Number(b.attributes["webhook.attempt.number"]));
    expect(attempts.map((span) => span.attributes["webhook.attempt.number"])).toEqual([1, 2]);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ traceId: enqueue.traceId, parentSpanId: enqueue.spanId, statusCode: STATUS_ERROR });
      expect(attempt.attributes).toMatchObject({ "http.response.status_code": 500, "error.type": "http_5xx", "webhook.attempt.outcome": "retry" });
    }
    // Each attempt links to the claim that leased it: two claims, two links.
    const claims = spans.filter((span) => span.name === SPAN_NAMES.claim);
    expect(claims).toHaveLength(2);
    expect(attempts.map((attempt) => attempt.links[0]!.spanId).sort()).toEqual(claims.map((claim) => claim.spanId).sort());
  });

  it("gives a refused connection the transport's error class and no status code", async () => {
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: await closedPortUrl() });
    await sendWebhookNotification(org.id, "invoice.settled", "inv-refused", {});
    expect(await processDueDeliveries({ random: noJitter })).toBe(1);

    const attempt = only(await exported(), SPAN_NAMES.attempt);
    expect(attempt.statusCode).toBe(STATUS_ERROR);
    expect(attempt.attributes).toMatchObject({ "error.type": "connection_failed", "server.address": "127.0.0.1", "webhook.attempt.outcome": "retry" });
    expect(attempt.attributes).not.toHaveProperty("http.response.status_code");
  });

  it("sends the attempt span's context as traceparent when the endpoint asks, unsigned, and not to an endpoint that did not", async () => {
    const withHeader = await harness.receiver(respondWith(204));
    const without = await harness.receiver(respondWith(204));
    const org = await makeOrganization();
    const on = await makeEndpoint({ organizationId: org.id, url: withHeader.url, sendTraceparent: true });
    const off = await makeEndpoint({ organizationId: org.id, url: without.url });
    expect(on.endpoint.sendTraceparent).toBe(true);
    expect(off.endpoint.sendTraceparent).toBe(false);
    await sendWebhookNotification(org.id, "invoice.settled", "inv-tp", { amount: 2 });
    expect(await processDueDeliveries({ random: noJitter })).toBe(2);

    const attempts = (await exported()).filter((span) => span.name === SPAN_NAMES.attempt);
    const attemptOn = attempts.find((span) => span.attributes["webhook.endpoint_id"] === on.endpoint.id)!;
    const request = withHeader.requests[0]!;
    expect(request.headers.traceparent).toBe(traceparentOf(attemptOn));
    expect(without.requests[0]!.headers).not.toHaveProperty("traceparent");
    // The signature is over the stored body alone, exactly as before.
    expect(request.headers["x-webhook-signature"]).toBe(generateHmacSignature(request.body, on.secret));
    // The attempt log shows the header as sent.
    const logged = await prisma.webhookAttempt.findFirstOrThrow({ where: { endpointId: on.endpoint.id } });
    expect((logged.requestHeaders as Record<string, string>).traceparent).toBe(traceparentOf(attemptOn));
  });

  it("traces a batch as one ingest and one enqueue whose context every event of it stores", async () => {
    const org = await makeOrganization();
    const results = await sendWebhookNotifications(org.id, [
      { event: "invoice.settled", idempotencyKey: "b-1", data: {} },
      { event: "invoice.settled", idempotencyKey: "b-2", data: {} },
      { event: "not a type", idempotencyKey: "b-3", data: {} },
    ]);
    const spans = await exported();
    const ingest = only(spans, SPAN_NAMES.ingest);
    const enqueue = only(spans, SPAN_NAMES.enqueue);
    expect(ingest.attributes).toMatchObject({ "webhook.batch.size": 3, "webhook.event_count": 2, "webhook.organization_id": org.id });
    expect(enqueue).toMatchObject({ traceId: ingest.traceId, parentSpanId: ingest.spanId });
    expect(enqueue.attributes["webhook.event_count"]).toBe(2);
    const ids = results.flatMap((result) => ("eventId" in result ? [result.eventId] : []));
    const stored = await prisma.webhookEvent.findMany({ where: { id: { in: ids } } });
    expect(stored.map((event) => event.traceparent)).toEqual([traceparentOf(enqueue), traceparentOf(enqueue)]);
  });

  it("marks an ingest refused by validation as an error with the library's code", async () => {
    const org = await makeOrganization();
    await expect(sendWebhookNotification(org.id, "not a type", "bad-1", {})).rejects.toThrow();
    const ingest = only(await exported(), SPAN_NAMES.ingest);
    expect(ingest.statusCode).toBe(STATUS_ERROR);
    expect(ingest.attributes["error.type"]).toBe("invalid_event_type");
  });

  it("a running worker (a hand-over, no claim) and a redelivery by hand continue the event's trace", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, sendTraceparent: true });
    const worker = startWorker({ pollIntervalMs: 60_000, concurrency: 4 });
    let deliveryId: string;
    try {
      deliveryId = (await sendWebhookNotification(org.id, "invoice.settled", "inv-worker", {})).deliveries[0]!.id;
      await eventually(() => receiver.requests.length === 1, 10_000, "the delivery");
    } finally {
      await worker.stop();
    }
    await redeliver({ organizationId: org.id, deliveryId });
    expect(receiver.requests).toHaveLength(2);

    const spans = await exported();
    const enqueue = only(spans, SPAN_NAMES.enqueue);
    const scheduled = only(spans, SPAN_NAMES.attempt, (span) => span.attributes["webhook.attempt.trigger"] === "scheduled");
    const manual = only(spans, SPAN_NAMES.attempt, (span) => span.attributes["webhook.attempt.trigger"] === "manual");
    for (const attempt of [scheduled, manual]) expect(attempt).toMatchObject({ traceId: enqueue.traceId, parentSpanId: enqueue.spanId });
    // Leased in the statement that stored it: there was no claim to link to.
    expect(scheduled.links).toEqual([]);
    expect(spans.filter((span) => span.name === SPAN_NAMES.claim)).toEqual([]);
    expect(receiver.requests.map((request) => request.headers.traceparent)).toEqual([traceparentOf(scheduled), traceparentOf(manual)]);
    // Each record is its own attempt's child.
    const records = spans.filter((span) => span.name === SPAN_NAMES.record);
    expect(records.map((span) => span.parentSpanId).sort()).toEqual([scheduled.spanId, manual.spanId].sort());
  });

  it("stops cleanly: the last spans are exported, and nothing after", async () => {
    const org = await makeOrganization();
    await sendWebhookNotification(org.id, "invoice.settled", "inv-last", {});
    await stopTracing();
    expect(tracingEnabled()).toBe(false);
    expect(collector.spans.map((span) => span.name).sort()).toEqual([SPAN_NAMES.enqueue, SPAN_NAMES.ingest]);
    await sendWebhookNotification(org.id, "invoice.settled", "inv-after", {});
    await flushTracing();
    expect(collector.spans).toHaveLength(2);
    const stored = await prisma.webhookEvent.findFirstOrThrow({ where: { idempotencyKey: "inv-after" } });
    expect(stored.traceparent).toBeNull();
  });
});
