import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { newId } from "@/lib/ids";
import { Webhook } from "standardwebhooks";
import { checkWebhookHealth, listOpenAlerts, notifyAlerts } from "@/lib/webhooks/alerting";
import { pruneExpired } from "@/lib/webhooks/maintenance";
import { rotateEndpointSecret } from "@/lib/webhooks/endpoints";
import { generateSecret, signingSecrets } from "@/lib/webhooks/secrets";
import { closeTransport } from "@/lib/webhooks/transport";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { type Receiver, startReceiver } from "../helpers/receiver";

const db = setupTestDatabase();
allowLoopbackDelivery();
const NOW = new Date("2026-11-28T12:00:00.000Z");
const at = (minutesLater: number) => new Date(NOW.getTime() + minutesLater * 60_000);
const silent = async () => {};

async function seedDeliveries(organizationId: string, endpointId: string, statuses: ("delivered" | "failed" | "pending")[], createdAt: Date) {
  for (const status of statuses) {
    const eventId = newId("evt");
    await prisma.webhookEvent.create({ data: { id: eventId, organizationId, eventType: "invoice.settled", idempotencyKey: eventId, body: "{}", createdAt } });
    await prisma.webhookDelivery.create({
      data: {
        id: newId("msg"),
        organizationId,
        eventId,
        endpointId,
        event: "invoice.settled",
        idempotencyKey: eventId,
        status,
        attempts: 1,
        createdAt,
        nextAttemptAt: status === "pending" ? new Date(createdAt.getTime() + 3_600_000) : null,
        deliveredAt: status === "delivered" ? createdAt : null,
      },
    });
  }
}

afterAll(() => closeTransport());

describe("checkWebhookHealth", () => {
  beforeEach(() => db.truncate());

  it("opens an alert once, keeps it open while the condition holds, resolves it when it clears", async () => {
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/" });
    await seedDeliveries(org.id, endpoint.id, [...Array(7).fill("failed"), ...Array(4).fill("delivered")], at(-30));

    const first = await checkWebhookHealth({ now: () => NOW, force: true, notify: silent });
    expect(first).toMatchObject({ ran: true, stillOpen: 0 });
    expect(first.opened).toEqual([expect.objectContaining({ kind: "failure_rate", subject: org.id, severity: "warning", message: expect.stringMatching(/64 % of 11/) })]);

    const second = await checkWebhookHealth({ now: () => at(15), force: true, notify: silent });
    expect(second).toMatchObject({ ran: true, opened: [], resolved: [], stillOpen: 1 });
    expect(await prisma.webhookAlert.count()).toBe(1);
    expect((await prisma.webhookAlert.findFirstOrThrow()).lastSeenAt).toEqual(at(15));

    // An hour later the failures are out of the window.
    const third = await checkWebhookHealth({ now: () => at(45), force: true, notify: silent });
    expect(third.resolved).toEqual([expect.objectContaining({ kind: "failure_rate", resolvedAt: at(45) })]);
    expect(await listOpenAlerts({ organizationId: org.id })).toEqual([]);
  });

  it("needs at least 10 deliveries and more than half failing", async () => {
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/" });
    await seedDeliveries(org.id, endpoint.id, Array(9).fill("failed"), at(-10));
    expect((await checkWebhookHealth({ now: () => NOW, force: true, notify: silent })).opened).toEqual([]);
    await seedDeliveries(org.id, endpoint.id, Array(11).fill("delivered"), at(-10));
    expect((await checkWebhookHealth({ now: () => NOW, force: true, notify: silent })).opened).toEqual([]);
  });

  it("never duplicates an alert when two checks run at once, and runs once per interval", async () => {
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/" });
    await seedDeliveries(org.id, endpoint.id, ["pending"], at(-200));
    await prisma.webhookDelivery.updateMany({ data: { nextAttemptAt: at(-40) } });

    const results = await Promise.all([checkWebhookHealth({ now: () => NOW, notify: silent }), checkWebhookHealth({ now: () => NOW, notify: silent })]);
    expect(results.filter((result) => result.ran)).toHaveLength(1);
    expect(await prisma.webhookAlert.findMany({ select: { kind: true } })).toEqual([{ kind: "backlog_age" }]);
    // Five minutes later (not forced) nothing runs: the interval is 15 minutes.
    expect((await checkWebhookHealth({ now: () => at(5), notify: silent })).ran).toBe(false);
    expect((await checkWebhookHealth({ now: () => at(15), notify: silent })).ran).toBe(true);
    expect(await prisma.webhookAlert.count()).toBe(1);
  });

  it("does not call deliveries held by an open circuit a worker backlog (they are held, not late)", async () => {
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://paused.example.com/" });
    await seedDeliveries(org.id, endpoint.id, ["pending", "pending"], at(-200));
    await prisma.webhookDelivery.updateMany({ where: { endpointId: endpoint.id }, data: { attempts: 5, nextAttemptAt: at(-40) } });
    await prisma.webhookCircuit.create({ data: { key: endpoint.id, state: "open", consecutiveFailures: 5, openedAt: at(-40), probeAt: at(2) } });
    const { opened } = await checkWebhookHealth({ now: () => NOW, force: true, notify: silent });
    expect(opened.filter((alert) => alert.organizationId === org.id && alert.kind === "backlog_age")).toEqual([]);
    // Once the circuit closes they are due again, and late.
    await prisma.webhookCircuit.update({ where: { key: endpoint.id }, data: { state: "closed", probeAt: null } });
    const later = await checkWebhookHealth({ now: () => NOW, force: true, notify: silent });
    expect(later.opened.filter((alert) => alert.organizationId === org.id).map((alert) => alert.kind)).toEqual(["backlog_age"]);
  });

  it("alerts on disabled endpoints and circuits open for an hour", async () => {
    const org = await makeOrganization();
    const disabled = await makeEndpoint({ organizationId: org.id, url: "https://gone.example.com/" });
    await prisma.webhookEndpoint.update({ where: { id: disabled.endpoint.id }, data: { status: "disabled", disabledAt: at(-5), disabledReason: "The endpoint answered 410 Gone" } });
    const paused = await makeEndpoint({ organizationId: org.id, url: "https://slow.example.com/" });
    await prisma.webhookCircuit.create({ data: { key: paused.endpoint.id, state: "open", consecutiveFailures: 9, openedAt: at(-61), probeAt: at(1) } });
    const { opened } = await checkWebhookHealth({ now: () => NOW, force: true, notify: silent });
    expect(opened.map((alert) => [alert.kind, alert.subject]).sort()).toEqual(
      [
        ["circuit_open", paused.endpoint.id],
        ["endpoint_disabled", disabled.endpoint.id],
      ].sort(),
    );
  });
});

describe("notifyAlerts", () => {
  let receiver: Receiver;
  const secret = generateSecret();
  beforeAll(async () => {
    receiver = await startReceiver();
    process.env.ALERT_WEBHOOK_URL = receiver.url;
    process.env.ALERT_WEBHOOK_SECRET = secret;
    resetEnvCache();
  });
  afterAll(async () => {
    delete process.env.ALERT_WEBHOOK_URL;
    delete process.env.ALERT_WEBHOOK_SECRET;
    resetEnvCache();
    await receiver.close();
  });
  beforeEach(() => db.truncate());

  it("posts a signed ops webhook and tells the tenant through operational events", async () => {
    const org = await makeOrganization();
    const subscribed = await makeEndpoint({ organizationId: org.id, url: "https://ops.example.com/", eventTypes: ["endpoint.disabled"] });
    const gone = await makeEndpoint({ organizationId: org.id, url: "https://gone.example.com/" });
    await prisma.webhookEndpoint.update({ where: { id: gone.endpoint.id }, data: { status: "disabled", disabledAt: NOW, disabledReason: "410" } });
    const result = await checkWebhookHealth({ now: () => NOW, force: true, notify: notifyAlerts });
    expect(result.opened).toHaveLength(1);

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>) as { data: { opened: { kind: string }[] } };
    expect(verified.data.opened).toEqual([expect.objectContaining({ kind: "endpoint_disabled" })]);

    const events = await prisma.webhookEvent.findMany({ where: { organizationId: org.id }, include: { deliveries: true } });
    expect(events).toEqual([expect.objectContaining({ eventType: "endpoint.disabled" })]);
    // To the subscribed endpoint; the disabled one keeps it as missed, for a replay once it is enabled again.
    const byEndpoint = Object.fromEntries(events[0]!.deliveries.map((d) => [d.endpointId, { status: d.status, cancelReason: d.cancelReason }]));
    expect(byEndpoint).toEqual({
      [subscribed.endpoint.id]: { status: "pending", cancelReason: null },
      [gone.endpoint.id]: { status: "cancelled", cancelReason: "endpoint_disabled" },
    });
    expect(JSON.parse(events[0]!.body).data).toMatchObject({ endpointId: gone.endpoint.id, severity: "warning" });
  });
});

describe("retention", () => {
  beforeEach(() => db.truncate());

  it("deletes finished deliveries older than the cutoff with their attempts, and never pending ones", async () => {
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/" });
    const old = new Date(NOW.getTime() - 31 * 86_400_000);
    await seedDeliveries(org.id, endpoint.id, ["delivered", "failed", "delivered"], old);
    await seedDeliveries(org.id, endpoint.id, ["pending"], old);
    await seedDeliveries(org.id, endpoint.id, ["delivered"], at(-60));
    const oldDelivered = await prisma.webhookDelivery.findFirstOrThrow({ where: { status: "delivered", createdAt: old } });
    await prisma.webhookAttempt.create({
      data: { id: newId("att"), organizationId: org.id, deliveryId: oldDelivered.id, endpointId: endpoint.id, number: 1, trigger: "scheduled", startedAt: old, durationMs: 5, url: endpoint.url, requestHeaders: {}, success: true },
    });

    expect(await pruneExpired({ retentionDays: 30, now: () => NOW, batchSize: 2 })).toEqual({ events: 3, alerts: 0, previousSecrets: 0, rateLimitWindows: 0 });
    const left = await prisma.webhookDelivery.findMany({ select: { status: true, createdAt: true }, orderBy: { createdAt: "asc" } });
    expect(left).toEqual([
      { status: "pending", createdAt: old },
      { status: "delivered", createdAt: at(-60) },
    ]);
    expect(await prisma.webhookAttempt.count()).toBe(0);
    expect(await pruneExpired({ retentionDays: 30, now: () => NOW })).toEqual({ events: 0, alerts: 0, previousSecrets: 0, rateLimitWindows: 0 });
  });

  it("erases a rotated-out secret once its grace period has ended, and keeps one still in grace", async () => {
    const org = await makeOrganization();
    const { endpoint: ended } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/a" });
    const { endpoint: inGrace } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/b" });
    await rotateEndpointSecret({ organizationId: org.id, endpointId: ended.id, now: () => at(-25 * 60), graceSeconds: 24 * 3600 });
    await rotateEndpointSecret({ organizationId: org.id, endpointId: inGrace.id, now: () => at(-60), graceSeconds: 24 * 3600 });

    expect(await pruneExpired({ retentionDays: 30, now: () => NOW })).toMatchObject({ previousSecrets: 1 });
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: ended.id } })).toMatchObject({ previousSecretEncrypted: null, previousSecretExpiresAt: null });
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: inGrace.id } })).previousSecretEncrypted).toMatch(/^v1\./);
  });

  it("rotating with no grace (a leaked secret) stops the old secret, and any earlier one, at once", async () => {
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/a" });
    await rotateEndpointSecret({ organizationId: org.id, endpointId: endpoint.id, now: () => at(-60) });
    const { secret } = await rotateEndpointSecret({ organizationId: org.id, endpointId: endpoint.id, now: () => NOW, graceSeconds: 0 });
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row).toMatchObject({ previousSecretEncrypted: null, previousSecretExpiresAt: null });
    expect(signingSecrets(row, NOW)).toEqual([secret]);
  });

  it.each([-1, 1.5, 7 * 24 * 3600 + 1])("refuses a grace of %p seconds, changing nothing", async (graceSeconds) => {
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/a" });
    const before = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    await expect(rotateEndpointSecret({ organizationId: org.id, endpointId: endpoint.id, graceSeconds })).rejects.toMatchObject({ code: "invalid_input" });
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).secretEncrypted).toBe(before.secretEncrypted);
  });
});
