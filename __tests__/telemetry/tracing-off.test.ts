import { trace } from "@opentelemetry/api";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { processDueDeliveries, sendWebhookNotification } from "@/lib/webhooks";
import { startTracing, tracingEnabled } from "@/lib/webhooks/tracing";
import { setupEngineTest } from "../helpers/engine";
import { makeClock, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondInSequence, respondWith } from "../helpers/receiver";

/**
 * With no OTLP endpoint configured nothing is recorded or exported, deliveries go
 * as before, and an endpoint that asked for a traceparent still gets a valid one.
 */

const harness = setupEngineTest();

const OTEL_VARIABLES = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED"];
const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const name of OTEL_VARIABLES) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  resetEnvCache();
});
afterAll(() => {
  for (const name of OTEL_VARIABLES) if (saved[name] !== undefined) process.env[name] = saved[name];
  resetEnvCache();
});

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;
const noJitter = () => 0.5;

describe("tracing with no OTLP endpoint", () => {
  it("does not start: the global tracer stays the API's no-op, and no context is stored with events", async () => {
    expect(startTracing({ role: "worker" })).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const span = trace.getTracer("probe").startSpan("probe");
    expect(span.isRecording()).toBe(false);
    span.end();

    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const { eventId } = await sendWebhookNotification(org.id, "invoice.settled", "off-1", {});
    expect(await processDueDeliveries({ random: noJitter })).toBe(1);
    expect((await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).traceparent).toBeNull();
    expect(await prisma.webhookDelivery.findFirstOrThrow({ where: { eventId } })).toMatchObject({ status: "delivered" });
    expect(receiver.requests[0]!.headers).not.toHaveProperty("traceparent");
  });

  it("still sends a valid traceparent to an endpoint that asked, with a new span id per attempt", async () => {
    const receiver = await harness.receiver(respondInSequence(500, 200));
    const clock = makeClock();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, sendTraceparent: true });
    await sendWebhookNotification(org.id, "invoice.settled", "off-2", {}, { now: clock.now });
    const engine = { now: clock.now, random: noJitter, schedule: [0, 5] };
    expect(await processDueDeliveries(engine)).toBe(1);
    clock.advance(10);
    expect(await processDueDeliveries(engine)).toBe(1);

    const [first, second] = receiver.requests.map((request) => TRACEPARENT.exec(String(request.headers.traceparent)));
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    // Random, valid ids (never all zeros), flags "not sampled": nothing was recorded.
    expect(first![1]).not.toMatch(/^0+$/);
    expect(first![2]).not.toMatch(/^0+$/);
    expect(first![3]).toBe("00");
    expect(second![2]).not.toBe(first![2]);
  });

  it("continues a trace stored by a traced ingest: its trace id and flags, a span id of the attempt's own", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url, sendTraceparent: true });
    const { eventId } = await sendWebhookNotification(org.id, "invoice.settled", "off-3", {});
    const stored = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await prisma.webhookEvent.update({ where: { id: eventId }, data: { traceparent: stored } });
    expect(await processDueDeliveries({ random: noJitter })).toBe(1);

    const sent = TRACEPARENT.exec(String(receiver.requests[0]!.headers.traceparent));
    expect(sent).not.toBeNull();
    expect(sent![1]).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(sent![2]).not.toBe("00f067aa0ba902b7");
    expect(sent![3]).toBe("01");
  });
});
