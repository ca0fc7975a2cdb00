/**
 * The classic webhook guide's own tests, run against the product. Adapted only where the
 * product's schema differs: the guide keeps one `webhookSettings` row (URL + secret) per
 * organization, the product has endpoints with generated `whsec_` secrets — so the database
 * tests make an endpoint and store the guide's `'test-secret'` in it, encrypted as the product
 * stores every secret. The guide's `eventType` column is the delivery's `event`.
 */
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import {
  generateHmacSignature,
  processDueDeliveries,
  sendWebhook,
  sendWebhookNotification,
  validateWebhookUrl,
  verifyWebhookSignature,
} from "@/lib/webhooks";
import { encryptSecret, getKeyRing } from "@/lib/webhooks/secrets";
import { closeTransport } from "@/lib/webhooks/transport";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { type Receiver, respondInSequence, startReceiver } from "../helpers/receiver";

afterAll(() => closeTransport());

describe("Webhook signatures", () => {
  const payload = { event: "test.completed", data: { testRunId: "test-run-123", result: "passed" } };
  const secret = "test-secret";

  it("generates the same signature for the same payload and secret", () => {
    expect(generateHmacSignature(payload, secret)).toBe(generateHmacSignature(payload, secret));
  });

  it("verifies a valid signature", () => {
    const signature = generateHmacSignature(payload, secret);
    expect(verifyWebhookSignature(payload, signature, secret)).toBe(true);
  });

  it("rejects an invalid signature", () => {
    expect(verifyWebhookSignature(payload, "wrong-signature", secret)).toBe(false);
  });

  it("rejects a signature for a tampered payload", () => {
    const signature = generateHmacSignature(payload, secret);
    const tampered = { ...payload, data: { ...payload.data, result: "failed" } };
    expect(verifyWebhookSignature(tampered, signature, secret)).toBe(false);
  });
});

describe("URL validation", () => {
  const originalEnv = process.env;
  beforeEach(() => {
    process.env = { ...originalEnv };
    delete process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    delete process.env.WEBHOOK_ALLOW_HTTP;
    resetEnvCache();
  });
  afterEach(() => {
    process.env = originalEnv;
    resetEnvCache();
  });

  it("accepts an HTTPS URL", () => {
    expect(validateWebhookUrl("https://api.example.com/webhook")).toEqual({ valid: true });
  });

  it("rejects HTTP in production", () => {
    process.env = { ...process.env, NODE_ENV: "production" };
    resetEnvCache();
    const result = validateWebhookUrl("http://api.example.com/webhook");
    expect(result.valid).toBe(false);
    expect(result.error).toContain("HTTPS");
  });

  it("rejects localhost", () => {
    const result = validateWebhookUrl("https://localhost:3000/webhook");
    expect(result.valid).toBe(false);
    expect(result.error).toContain("localhost");
  });

  it.each(["https://192.168.1.1/webhook", "https://10.0.0.1/webhook", "https://172.16.0.1/webhook"])("rejects the private IP address in %s", (url) => {
    const result = validateWebhookUrl(url);
    expect(result.valid).toBe(false);
    expect(result.error).toContain("private IP");
  });
});

describe("Webhook delivery", () => {
  allowLoopbackDelivery();
  let receiver: Receiver;
  afterEach(() => receiver.close());
  const noSleep = async () => {};

  const payload = {
    event: "test.completed",
    idempotencyKey: "test-run-123-completed",
    timestamp: new Date().toISOString(),
    data: { testRunId: "test-run-123", result: "passed" },
  };

  it("delivers a webhook with the guide's headers", async () => {
    receiver = await startReceiver();
    const result = await sendWebhook(receiver.url, payload, "test-secret");
    expect(result.success).toBe(true);
    expect(result.attempts).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(JSON.parse(request!.body)).toEqual(payload);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["x-webhook-event"]).toBe(payload.event);
    expect(request!.headers["x-webhook-timestamp"]).toBe(payload.timestamp);
    expect(request!.headers["x-webhook-signature"]).toHaveLength(64);
    expect(verifyWebhookSignature(request!.body, String(request!.headers["x-webhook-signature"]), "test-secret")).toBe(true);
  });

  it("retries a failing receiver until it answers 200", async () => {
    receiver = await startReceiver(respondInSequence(500, 500, 200));
    const result = await sendWebhook(receiver.url, payload, "test-secret", { sleep: noSleep });
    expect(result.success).toBe(true);
    expect(result.attempts).toBe(3);
    expect(receiver.requests).toHaveLength(3);
  });
});

describe("Database integration", () => {
  const db = setupTestDatabase();
  allowLoopbackDelivery();
  let receiver: Receiver;
  beforeEach(async () => {
    await db.truncate();
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  /** The guide's organization with webhook settings: here an endpoint whose secret is `'test-secret'`. */
  async function organizationWithWebhook(url: string) {
    const org = await makeOrganization("Guide");
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url });
    await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { secretEncrypted: encryptSecret("test-secret", endpoint.id, getKeyRing()) } });
    return org;
  }

  it("creates a delivery record that the worker processes", async () => {
    const org = await organizationWithWebhook(receiver.url);
    await sendWebhookNotification(org.id, "test.completed", "test-run-123", { result: "passed" });

    const created = await prisma.webhookDelivery.findFirst({ where: { organizationId: org.id, event: "test.completed" } });
    expect(created).toBeTruthy();

    await processDueDeliveries();
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { organizationId: org.id, event: "test.completed" } });
    expect(delivery.attempts).toBeGreaterThan(0);
    expect(["delivered", "failed"]).toContain(delivery.status);
    // The worker signed it with the stored guide secret.
    const [request] = receiver.requests;
    expect(verifyWebhookSignature(request!.body, String(request!.headers["x-webhook-signature"]), "test-secret")).toBe(true);
  });

  it("is idempotent: the same key twice leaves one delivery", async () => {
    const org = await organizationWithWebhook(receiver.url);
    await sendWebhookNotification(org.id, "test.completed", "test-run-123", { result: "passed" });
    await sendWebhookNotification(org.id, "test.completed", "test-run-123", { result: "passed" });
    expect(await prisma.webhookDelivery.count({ where: { organizationId: org.id, idempotencyKey: "test-run-123" } })).toBe(1);
  });
});
