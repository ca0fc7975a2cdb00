import { prisma } from "@/lib/db";
import { logger } from "@/lib/logger";
import { getEndpoint, listEndpoints, processDueDeliveries, sendWebhookNotification, verifyWebhookSignature } from "@/lib/webhooks";
import { checkWebhookHealth } from "@/lib/webhooks/alerting";
import { checkStoredSecretsDecryptable, recheckBlockedSigning } from "@/lib/webhooks/stored-secrets";
import { encryptSecret, generateKeyRingEntry, parseKeyRing, type KeyRing } from "@/lib/webhooks/secrets";
import { closeTransport } from "@/lib/webhooks/transport";
import { claimDueDeliveries, startWorker } from "@/lib/webhooks/worker";
import { redeliver, sendTestEvent } from "@/lib/webhooks/manual";
import { toResponse } from "@/lib/http/route";
import { SecretError } from "@/lib/webhooks/errors";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { startReceiver, type Receiver } from "../helpers/receiver";
import { eventually } from "../helpers/eventually";

const db = setupTestDatabase();
allowLoopbackDelivery();

const K1 = generateKeyRingEntry("k1");
const K2 = generateKeyRingEntry("k2");
/** The key ring the secrets were sealed with. */
const ringK1 = parseKeyRing(K1);
/** The key ring after k1 was removed from WEBHOOK_ENCRYPTION_KEYS. */
const ringK2 = parseKeyRing(K2);
/** k1 restored (behind the new primary). */
const ringRestored = parseKeyRing(`${K2},${K1}`);
const silent = async () => {};

let receiver: Receiver;
beforeEach(async () => {
  await db.truncate();
  receiver = await startReceiver();
});
afterEach(async () => {
  jest.restoreAllMocks();
  await receiver.close();
});
afterAll(() => closeTransport());

/** Every log call (any level) whose fields name `endpointId`. */
function captureLogs() {
  const calls: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  for (const level of ["error", "warn", "info"] as const) {
    jest.spyOn(logger, level).mockImplementation(((fields: unknown, message?: string) => {
      calls.push({ level, fields: typeof fields === "object" && fields !== null ? (fields as Record<string, unknown>) : {}, message: message ?? String(fields) });
    }) as never);
  }
  return {
    about: (endpointId: string) => calls.filter((call) => call.fields.endpointId === endpointId),
    at: (level: string) => calls.filter((call) => call.level === level),
  };
}

/** An endpoint whose secret is sealed under `ring` (not the process ring), with `count` deliveries waiting. */
async function endpointSealedWith(ring: KeyRing, count: number) {
  const org = await makeOrganization();
  const { endpoint, secret } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
  await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { secretEncrypted: encryptSecret(secret, endpoint.id, ring) } });
  for (let i = 0; i < count; i++) await sendWebhookNotification(org.id, "invoice.settled", `inv-${i}`, { i });
  return { org, endpoint, secret };
}

describe("an endpoint secret no configured key can open", () => {
  it("is marked once, its deliveries wait without using attempts, an alert opens; restoring the key delivers everything", async () => {
    const logs = captureLogs();
    const { org, endpoint, secret } = await endpointSealedWith(ringK1, 3);

    // A worker without k1: nothing is sent, nothing is used up, the leases are released.
    expect(await processDueDeliveries({ keyRing: ringK2 })).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    expect(await prisma.webhookAttempt.count()).toBe(0);
    const waiting = await prisma.webhookDelivery.findMany();
    expect(waiting).toHaveLength(3);
    for (const delivery of waiting) expect(delivery).toMatchObject({ status: "pending", attempts: 0, leaseOwner: null, leaseExpiresAt: null, lastError: null });

    const marked = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(marked.signingBlockedAt).toBeInstanceOf(Date);
    expect(marked.signingBlockedKeyId).toBe("k1");

    // Later rounds do not claim the endpoint's deliveries, and the mark is not rewritten.
    expect(await claimDueDeliveries(10, { keyRing: ringK2 })).toEqual([]);
    expect(await processDueDeliveries({ keyRing: ringK2 })).toBe(0);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).signingBlockedAt).toEqual(marked.signingBlockedAt);
    expect(logs.about(endpoint.id)).toHaveLength(1);
    expect(logs.at("error").filter((call) => call.fields.endpointId !== endpoint.id)).toEqual([]);
    expect(JSON.stringify(logs.about(endpoint.id))).not.toContain(secret);

    // The endpoint's data says why.
    const view = await getEndpoint({ organizationId: org.id, endpointId: endpoint.id });
    expect(view.status).toBe("active");
    expect(view.signingBlockedAt).toEqual(marked.signingBlockedAt);
    expect((await listEndpoints({ organizationId: org.id }))[0]?.signingBlockedAt).toEqual(marked.signingBlockedAt);

    // The health check opens an ops alert.
    const health = await checkWebhookHealth({ force: true, notify: silent });
    expect(health.opened).toEqual([
      expect.objectContaining({ kind: "secret_undecryptable", subject: endpoint.id, organizationId: org.id, severity: "critical", message: expect.stringMatching(/"k1"/) }),
    ]);

    // Re-checking with k1 still missing changes nothing.
    expect(await recheckBlockedSigning({ ring: ringK2 })).toEqual({ checked: 1, cleared: 0 });

    // k1 is back: the mark clears and every delivery goes out, first attempt each.
    expect(await recheckBlockedSigning({ ring: ringRestored })).toEqual({ checked: 1, cleared: 1 });
    const cleared = await getEndpoint({ organizationId: org.id, endpointId: endpoint.id });
    expect(cleared.signingBlockedAt).toBeNull();
    expect(await processDueDeliveries({ keyRing: ringRestored })).toBe(3);
    expect(receiver.requests).toHaveLength(3);
    for (const request of receiver.requests) {
      expect(verifyWebhookSignature(request.body, String(request.headers["x-webhook-signature"]), secret)).toBe(true);
    }
    for (const delivery of await prisma.webhookDelivery.findMany()) expect(delivery).toMatchObject({ status: "delivered", attempts: 1 });

    const after = await checkWebhookHealth({ force: true, notify: silent });
    expect(after.resolved).toEqual([expect.objectContaining({ kind: "secret_undecryptable", subject: endpoint.id })]);
  });

  it("costs a running worker no errors and one log line, however long it polls", async () => {
    const logs = captureLogs();
    const { endpoint } = await endpointSealedWith(ringK1, 3);
    const worker = startWorker({ keyRing: ringK2, pollIntervalMs: 10, listen: false });
    try {
      await eventually(async () => (await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).signingBlockedAt !== null);
      // Many more polls (every 10 ms): none of them claims the endpoint's deliveries again.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await worker.stop();
    }
    expect(worker.stats()).toMatchObject({ attempted: 0, errors: 0 });
    expect(worker.stats().blocked).toBeGreaterThanOrEqual(1);
    expect(worker.stats().blocked).toBeLessThanOrEqual(3);
    expect(logs.about(endpoint.id)).toHaveLength(1);
    expect(logs.at("error")).toHaveLength(1);
    expect(await prisma.webhookDelivery.count({ where: { status: "pending", attempts: 0, leaseOwner: null } })).toBe(3);
  });

  it("leaves other endpoints' deliveries alone", async () => {
    const blocked = await endpointSealedWith(ringK1, 2);
    const healthy = await endpointSealedWith(ringK2, 2);
    expect(await processDueDeliveries({ keyRing: ringK2 })).toBe(2);
    const delivered = await prisma.webhookDelivery.findMany({ where: { status: "delivered" } });
    expect(delivered.map((delivery) => delivery.endpointId)).toEqual([healthy.endpoint.id, healthy.endpoint.id]);
    expect(await prisma.webhookDelivery.count({ where: { endpointId: blocked.endpoint.id, status: "pending", attempts: 0 } })).toBe(2);
  });

  it("is blocked too when only the previous secret (rotation grace) cannot be opened", async () => {
    const { endpoint } = await endpointSealedWith(ringK2, 1);
    await prisma.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { previousSecretEncrypted: encryptSecret("whsec_old", endpoint.id, ringK1), previousSecretExpiresAt: new Date(Date.now() + 3_600_000) },
    });
    expect(await processDueDeliveries({ keyRing: ringK2 })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { status: "pending", attempts: 0 } })).toBe(1);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).signingBlockedKeyId).toBe("k1");
  });
});

describe("checkStoredSecretsDecryptable (start-up)", () => {
  it("warns once with how many endpoints no configured key can open, by key id", async () => {
    await endpointSealedWith(ringK1, 0);
    await endpointSealedWith(ringK1, 0);
    await endpointSealedWith(ringK2, 0);

    const logs = captureLogs();
    const result = await checkStoredSecretsDecryptable({ ring: ringK2 });
    expect(result).toEqual({ endpoints: 3, undecryptable: 2, byKeyId: { k1: 2 }, cleared: 0 });
    const warnings = logs.at("warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/2 endpoints/);
    expect(warnings[0]!.fields).toMatchObject({ undecryptable: 2, byKeyId: { k1: 2 } });
  });

  it("counts a key id whose configured key does not open its secrets (a regenerated key under the same id)", async () => {
    const impostor = parseKeyRing(generateKeyRingEntry("k2"));
    await endpointSealedWith(impostor, 0);
    await endpointSealedWith(impostor, 0);
    await endpointSealedWith(ringK2, 0);
    const logs = captureLogs();
    expect(await checkStoredSecretsDecryptable({ ring: ringK2 })).toEqual({ endpoints: 3, undecryptable: 2, byKeyId: { k2: 2 }, cleared: 0 });
    expect(logs.at("warn")).toHaveLength(1);
  });

  it("says nothing when every secret opens, and clears marks the key ring can open again", async () => {
    const { endpoint } = await endpointSealedWith(ringK1, 1);
    expect(await processDueDeliveries({ keyRing: ringK2 })).toBe(0);
    const logs = captureLogs();
    expect(await checkStoredSecretsDecryptable({ ring: ringRestored })).toEqual({ endpoints: 1, undecryptable: 0, byKeyId: {}, cleared: 1 });
    expect(logs.at("warn")).toEqual([]);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).signingBlockedAt).toBeNull();
    expect(await processDueDeliveries({ keyRing: ringRestored })).toBe(1);
  });
});

describe("manual sends to an endpoint whose secret no key opens", () => {
  // The process's own key ring never held k1, so these calls cannot open the secret.
  it("answer signing_key_missing before leasing or storing anything", async () => {
    const { org, endpoint } = await endpointSealedWith(ringK1, 1);
    const delivery = await prisma.webhookDelivery.findFirstOrThrow();
    const events = await prisma.webhookEvent.count();

    await expect(redeliver({ organizationId: org.id, deliveryId: delivery.id })).rejects.toMatchObject({ name: "WebhookConflictError", code: "signing_key_missing" });
    await expect(sendTestEvent({ organizationId: org.id, endpointId: endpoint.id })).rejects.toMatchObject({ name: "WebhookConflictError", code: "signing_key_missing" });

    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ leaseOwner: null, leaseExpiresAt: null, attempts: 0 });
    expect(await prisma.webhookEvent.count()).toBe(events);
    expect(receiver.requests).toHaveLength(0);
  });

  it("maps a secret that cannot be opened (reveal, rotate) to 409, not 500", async () => {
    const response = toResponse(new SecretError("decryption_failed", 'encrypted secret uses key id "k1", which is not in WEBHOOK_ENCRYPTION_KEYS', "k1"));
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "signing_key_missing", message: expect.stringContaining("WEBHOOK_ENCRYPTION_KEYS") });
  });
});
