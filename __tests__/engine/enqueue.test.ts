import { getDatabase, prisma } from "@/lib/db";
import {
  createEndpoint,
  deleteEndpoint,
  disableEndpoint,
  enableEndpoint,
  getEndpoint,
  listEndpoints,
  processDueDeliveries,
  rotateEndpointSecret,
  revealEndpointSecret,
  sendWebhook,
  sendWebhookNotification,
  updateEndpoint,
  verifyWebhookSignature,
  WebhookError,
} from "@/lib/webhooks";
import { MAX_PAYLOAD_BYTES } from "@/lib/webhooks/events";
import { generateSecret } from "@/lib/webhooks/secrets";
import { setupEngineTest } from "../helpers/engine";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondInSequence, respondWith, type Receiver } from "../helpers/receiver";

const harness = setupEngineTest();

let receiver: Receiver;
beforeEach(async () => {
  receiver = await harness.receiver();
});

describe("sendWebhookNotification", () => {
  it("fans out to every enabled endpoint subscribed to the event type", async () => {
    const org = await makeOrganization();
    const all = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const invoices = await makeEndpoint({ organizationId: org.id, url: receiver.url, eventTypes: ["invoice.settled"] });
    await makeEndpoint({ organizationId: org.id, url: receiver.url, eventTypes: ["user.joined"] });
    const disabled = await makeEndpoint({ organizationId: org.id, url: receiver.url });
    await disableEndpoint({ organizationId: org.id, endpointId: disabled.endpoint.id });
    const otherOrg = await makeOrganization("Other");
    await makeEndpoint({ organizationId: otherOrg.id, url: receiver.url });

    const result = await sendWebhookNotification(org.id, "invoice.settled", "fan-out", { n: 1 });
    expect(result.deliveries.map((d) => d.endpointId).sort()).toEqual([all.endpoint.id, invoices.endpoint.id].sort());
    expect(await processDueDeliveries()).toBe(2);
    expect(receiver.requests).toHaveLength(2);
  });

  it("records the event with zero deliveries when the organization has no endpoints", async () => {
    const org = await makeOrganization();
    const result = await sendWebhookNotification(org.id, "user.joined", "lonely", { userId: "u1" });
    expect(result).toEqual({ eventId: expect.stringMatching(/^evt_/), deliveries: [], duplicate: false });
    expect(await prisma.webhookEvent.count({ where: { organizationId: org.id } })).toBe(1);
  });

  it("creates one event for 50 concurrent calls with one idempotency key", async () => {
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sendWebhookNotification(org.id, "invoice.settled", "same-key", { attempt: i })),
    );
    expect(new Set(results.map((r) => r.eventId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.deliveries[0]?.id)).size).toBe(1);
    expect(await prisma.webhookEvent.count()).toBe(1);
    expect(await prisma.webhookDelivery.count()).toBe(1);
  });

  it("shares statements among concurrent producers, and each caller gets its own result or error", async () => {
    const a = await makeOrganization();
    const b = await makeOrganization();
    const { endpoint: all } = await makeEndpoint({ organizationId: a.id, url: receiver.url });
    const { endpoint: paidOnly } = await makeEndpoint({ organizationId: a.id, url: receiver.url, eventTypes: ["invoice.settled"] });
    const { endpoint: other } = await makeEndpoint({ organizationId: b.id, url: receiver.url });
    const client = getDatabase().prisma;
    const spy = jest.spyOn(client, "$queryRawUnsafe");
    try {
      const calls = [
        ...Array.from({ length: 20 }, (_, i) => sendWebhookNotification(a.id, i % 2 ? "invoice.settled" : "invoice.created", `a-${i}`, { i })),
        ...Array.from({ length: 20 }, (_, i) => sendWebhookNotification(b.id, "invoice.settled", `b-${i}`, { i })),
        ...Array.from({ length: 5 }, (_, i) => sendWebhookNotification("org_missing", "invoice.settled", `m-${i}`, { i })),
        ...Array.from({ length: 5 }, (_, i) => sendWebhookNotification(a.id, "invoice.settled", "same-in-one-batch", { i })),
      ];
      const outcomes = await Promise.allSettled(calls);
      const value = (index: number) => (outcomes[index] as PromiseFulfilledResult<Awaited<(typeof calls)[number]>>).value;

      for (let i = 0; i < 20; i++) {
        const expected = i % 2 ? [all.id, paidOnly.id] : [all.id];
        expect(value(i).deliveries.map((d) => d.endpointId).sort()).toEqual(expected.sort());
        expect(value(20 + i).deliveries.map((d) => d.endpointId)).toEqual([other.id]);
      }
      for (let i = 40; i < 45; i++) expect(outcomes[i]).toEqual({ status: "rejected", reason: expect.objectContaining({ code: "organization_not_found" }) });
      const same = [45, 46, 47, 48, 49].map(value);
      expect(new Set(same.map((r) => r.eventId)).size).toBe(1);
      expect(same.filter((r) => !r.duplicate)).toHaveLength(1);

      expect(await prisma.webhookEvent.count()).toBe(41);
      expect(await prisma.webhookDelivery.count()).toBe(10 + 20 + 20 + 2);
      // 50 producers, a handful of event-writing statements (the first goes alone, the rest share).
      const writes = spy.mock.calls.filter(([sql]) => String(sql).includes('INSERT INTO "WebhookEvent"')).length;
      expect(writes).toBeLessThanOrEqual(5);
    } finally {
      spy.mockRestore();
    }
  });

  it("refuses idempotency keys PostgreSQL could not store as given", async () => {
    const org = await makeOrganization();
    for (const key of ["nul\u0000key", "lone\ud800surrogate"]) {
      await expect(sendWebhookNotification(org.id, "invoice.settled", key, {})).rejects.toMatchObject({ code: "invalid_idempotency_key" });
    }
    expect(await prisma.webhookEvent.count()).toBe(0);
  });

  it("keeps idempotency keys per organization", async () => {
    const a = await makeOrganization("A");
    const b = await makeOrganization("B");
    const first = await sendWebhookNotification(a.id, "invoice.settled", "shared-key", {});
    const second = await sendWebhookNotification(b.id, "invoice.settled", "shared-key", {});
    expect(second.duplicate).toBe(false);
    expect(second.eventId).not.toBe(first.eventId);
  });

  it("writes inside the caller's transaction: commit delivers, rollback sends nothing", async () => {
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });

    await expect(
      prisma.$transaction(async (tx) => {
        await sendWebhookNotification(org.id, "invoice.settled", "rolled-back", { n: 1 }, { tx });
        throw new Error("business logic failed");
      }),
    ).rejects.toThrow("business logic failed");
    expect(await prisma.webhookEvent.count()).toBe(0);
    expect(await processDueDeliveries()).toBe(0);

    const committed = await prisma.$transaction((tx) => sendWebhookNotification(org.id, "invoice.settled", "committed", { n: 2 }, { tx }));
    expect(await processDueDeliveries()).toBe(1);
    expect(receiver.requests.map((r) => JSON.parse(r.body).idempotencyKey)).toEqual(["committed"]);
    expect(receiver.requests[0]!.headers["webhook-id"]).toBe(committed.deliveries[0]!.id);
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ["unknown organization", () => sendWebhookNotification("org_missing", "invoice.settled", "k", {}), "organization_not_found"],
    ["event without a dot", async () => sendWebhookNotification((await makeOrganization()).id, "invoice", "k", {}), "invalid_event_type"],
    ["upper-case event", async () => sendWebhookNotification((await makeOrganization()).id, "Invoice.Paid", "k", {}), "invalid_event_type"],
    ["event with a space", async () => sendWebhookNotification((await makeOrganization()).id, "invoice. paid", "k", {}), "invalid_event_type"],
    ["empty idempotency key", async () => sendWebhookNotification((await makeOrganization()).id, "invoice.settled", "", {}), "invalid_idempotency_key"],
    ["256-char idempotency key", async () => sendWebhookNotification((await makeOrganization()).id, "invoice.settled", "k".repeat(256), {}), "invalid_idempotency_key"],
    ["BigInt data", async () => sendWebhookNotification((await makeOrganization()).id, "invoice.settled", "k", { n: BigInt(1) }), "invalid_payload"],
    ["undefined data", async () => sendWebhookNotification((await makeOrganization()).id, "invoice.settled", "k", undefined), "invalid_payload"],
    [
      "circular data",
      async () => {
        const data: Record<string, unknown> = {};
        data.self = data;
        return sendWebhookNotification((await makeOrganization()).id, "invoice.settled", "k", data);
      },
      "invalid_payload",
    ],
    ["body over 256 KiB", async () => sendWebhookNotification((await makeOrganization()).id, "invoice.settled", "k", { blob: "x".repeat(MAX_PAYLOAD_BYTES) }), "payload_too_large"],
  ])("rejects %s with a typed error", async (_label, call, code) => {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toMatchObject({ code });
    expect(await prisma.webhookEvent.count()).toBe(0);
  });

  it("accepts a 255-char idempotency key", async () => {
    const org = await makeOrganization();
    await expect(sendWebhookNotification(org.id, "invoice.settled", "k".repeat(255), {})).resolves.toMatchObject({ duplicate: false });
  });
});

describe("endpoints", () => {
  it("are scoped to their organization", async () => {
    const a = await makeOrganization("A");
    const b = await makeOrganization("B");
    const { endpoint } = await makeEndpoint({ organizationId: a.id, url: receiver.url });
    const asB = { organizationId: b.id, endpointId: endpoint.id };
    for (const call of [
      () => getEndpoint(asB),
      () => updateEndpoint({ ...asB, description: "hijacked" }),
      () => disableEndpoint(asB),
      () => enableEndpoint(asB),
      () => rotateEndpointSecret(asB),
      () => revealEndpointSecret(asB),
      () => deleteEndpoint(asB),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "endpoint_not_found" });
    }
    expect(await listEndpoints({ organizationId: b.id })).toEqual([]);
    expect(await getEndpoint({ organizationId: a.id, endpointId: endpoint.id })).toMatchObject({ description: "test endpoint", status: "active" });
  });

  it("refuses URLs validateWebhookUrl refuses, and bad event types", async () => {
    const org = await makeOrganization();
    const saved = process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "false";
    try {
      await expect(createEndpoint({ organizationId: org.id, url: "http://10.0.0.1/hook" })).rejects.toMatchObject({ code: "invalid_url", message: expect.stringMatching(/private IP/) });
      await expect(createEndpoint({ organizationId: org.id, url: "http://localhost/hook" })).rejects.toMatchObject({ code: "invalid_url" });
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = saved;
    }
    await expect(createEndpoint({ organizationId: org.id, url: "ftp://example.com" })).rejects.toMatchObject({ code: "invalid_url" });
    await expect(createEndpoint({ organizationId: org.id, url: "https://example.com", eventTypes: ["nope"] })).rejects.toMatchObject({ code: "invalid_event_type" });
    await expect(createEndpoint({ organizationId: "org_missing", url: "https://example.com" })).rejects.toMatchObject({ code: "organization_not_found" });
    expect(await prisma.webhookEndpoint.count()).toBe(0);
  });

  it("returns the secret once at creation, normalises subscriptions and updates fields", async () => {
    const org = await makeOrganization();
    const { endpoint, secret } = await createEndpoint({ organizationId: org.id, url: "https://example.com/a", eventTypes: ["user.joined", "invoice.settled", "invoice.settled"] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint).not.toHaveProperty("secretEncrypted");
    expect(endpoint.eventTypes).toEqual(["invoice.settled", "user.joined"]);
    const updated = await updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, url: "https://example.com/b", eventTypes: [] });
    expect(updated).toMatchObject({ url: "https://example.com/b", eventTypes: [] });
    await deleteEndpoint({ organizationId: org.id, endpointId: endpoint.id });
    expect(await listEndpoints({ organizationId: org.id })).toEqual([]);
  });
});

describe("sendWebhook (quick in-process send)", () => {
  const secret = generateSecret();
  const noSleep = jest.fn(async (_ms: number) => {});

  it("retries 5xx quickly and reports the final success", async () => {
    receiver.setResponder(respondInSequence(500, 503, 200));
    const result = await sendWebhook(receiver.url, { event: "webhook.test", data: {} }, secret, { sleep: noSleep, random: () => 0.5 });
    expect(result).toMatchObject({ success: true, attempts: 3, statusCode: 200 });
    expect(noSleep.mock.calls.map(([ms]) => ms)).toEqual([1000, 2000]);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
  });

  it("does not retry a 4xx", async () => {
    receiver.setResponder(respondWith(404));
    expect(await sendWebhook(receiver.url, { a: 1 }, secret, { sleep: noSleep })).toMatchObject({ success: false, attempts: 1, statusCode: 404, error: "HTTP 404" });
  });

  it("reports a refused URL without sending", async () => {
    const saved = process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "false";
    try {
      expect(await sendWebhook(receiver.url, { a: 1 }, secret, { sleep: noSleep })).toMatchObject({ success: false, attempts: 0, error: expect.stringMatching(/private IP/) });
      expect(receiver.requests).toHaveLength(0);
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = saved;
    }
  });

  it.each<[string, unknown]>([
    ["an empty secret", ""],
    ["a non-string secret", 42],
    ["an undefined secret", undefined],
  ])("throws a typed error for %s, sending nothing", async (_label, secret) => {
    await expect(sendWebhook(receiver.url, {}, secret as string)).rejects.toMatchObject({ name: "WebhookValidationError", code: "invalid_input" });
    expect(receiver.requests).toHaveLength(0);
  });

  it("accepts any non-empty string as the secret: the legacy header verifies with it", async () => {
    const result = await sendWebhook(receiver.url, { event: "webhook.test", data: {} }, "plain-password", { sleep: noSleep });
    expect(result).toMatchObject({ success: true, attempts: 1 });
    const [request] = receiver.requests;
    expect(verifyWebhookSignature(request!.body, String(request!.headers["x-webhook-signature"]), "plain-password")).toBe(true);
  });
});
