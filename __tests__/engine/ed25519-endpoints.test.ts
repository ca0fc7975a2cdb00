/**
 * Endpoints that sign with an Ed25519 key pair (Standard Webhooks `v1a`), on a real database
 * with real loopback receivers: every way a request leaves (scheduled attempt, retry, test send,
 * redelivery, Diagnose) carries `v1a` entries that verify with the endpoint's public key over
 * the stored bytes; rotation and a change of scheme keep the old credential signing through
 * its grace; the private key is sealed at rest, re-encrypted with the key ring and held like a
 * secret when no key opens it.
 */
import crypto from "node:crypto";
import { prisma } from "@/lib/db";
import {
  getEndpoint,
  getEndpointPublicKey,
  processDueDeliveries,
  revealEndpointSecret,
  rotateEndpointCredential,
  rotateEndpointSecret,
  sendWebhookNotification,
  updateEndpoint,
  verifyStandardWebhookSignature,
  verifyWebhookSignature,
} from "@/lib/webhooks";
import { diagnoseEndpoint } from "@/lib/webhooks/diagnose";
import { ED25519_SIGNATURE_REJECTED_FIX } from "@/lib/webhooks/diagnose-advice";
import { pruneExpired } from "@/lib/webhooks/maintenance";
import { redeliver, sendTestEvent } from "@/lib/webhooks/manual";
import { decryptSecret, encryptedWithKeyId, generateKeyRingEntry, parseKeyRing, resetKeyRing, sealSigningSecret, signingSecrets } from "@/lib/webhooks/secrets";
import { publicKeyOf } from "@/lib/webhooks/signing-keys";
import { checkStoredSecretsDecryptable, reencryptSecrets, unopenableKeyId } from "@/lib/webhooks/stored-secrets";
import { resetEnvCache } from "@/lib/env";
import { setupEngineTest } from "../helpers/engine";
import { makeClock, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondInSequence, respondWith, type ReceivedRequest, type Receiver } from "../helpers/receiver";

const harness = setupEngineTest();
const noJitter = () => 0.5;
const HOUR = 60 * 60;

let receiver: Receiver;
beforeEach(async () => {
  receiver = await harness.receiver();
});

async function setup(scheme: "hmac" | "ed25519" = "ed25519") {
  const clock = makeClock();
  const org = await makeOrganization();
  const created = await makeEndpoint({ organizationId: org.id, url: receiver.url, signatureScheme: scheme });
  return { clock, org, endpoint: created.endpoint, secret: created.secret, engine: { now: clock.now, random: noJitter } };
}

/** The `webhook-signature` entries of a request, and whether the v1a ones verify with `publicKey` over its exact body. */
function entries(request: ReceivedRequest): string[] {
  return String(request.headers["webhook-signature"]).split(" ");
}
function verifiesWith(request: ReceivedRequest, key: { publicKey: string } | { secret: string }): boolean {
  const parts = { messageId: String(request.headers["webhook-id"]), timestamp: String(request.headers["webhook-timestamp"]), body: request.body, signature: String(request.headers["webhook-signature"]) };
  return verifyStandardWebhookSignature({ ...parts, ...key } as Parameters<typeof verifyStandardWebhookSignature>[0]);
}

/** Independent of sign.ts: node:crypto's verify over `id.timestamp.body` with the key built from the raw bytes after whpk_. */
function nodeVerifies(request: ReceivedRequest, publicKey: string, entry: string): boolean {
  const key = crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey.slice(5), "base64").toString("base64url") }, format: "jwk" });
  const data = `${String(request.headers["webhook-id"])}.${String(request.headers["webhook-timestamp"])}.${request.body}`;
  return crypto.verify(null, Buffer.from(data, "utf8"), key, Buffer.from(entry.replace(/^v1a,/, ""), "base64"));
}

describe("an ed25519 endpoint", () => {
  it("keeps its private key sealed under its own associated data, and shows only the public key", async () => {
    const { org, endpoint, secret } = await setup();
    expect(secret).toBeUndefined();
    expect(endpoint).toMatchObject({ signatureScheme: "ed25519", publicKey: expect.stringMatching(/^whpk_[A-Za-z0-9+/]{43}=$/), previousSignatureScheme: null });

    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.signatureScheme).toBe("ed25519");
    const [privateKey] = signingSecrets(row, new Date());
    expect(privateKey).toMatch(/^whsk_/);
    expect(row.secretEncrypted).not.toContain(privateKey!.slice(5));
    expect(publicKeyOf(privateKey!)).toBe(endpoint.publicKey);
    // Sealed for "<id>/ed25519": opening it as the endpoint's HMAC secret fails.
    const { getKeyRing } = await import("@/lib/webhooks/secrets");
    expect(() => decryptSecret(row.secretEncrypted, endpoint.id, getKeyRing())).toThrow(/failed authentication/);

    await expect(revealEndpointSecret({ organizationId: org.id, endpointId: endpoint.id })).rejects.toMatchObject({ code: "no_shared_secret" });
    const published = await getEndpointPublicKey({ organizationId: org.id, endpointId: endpoint.id });
    expect(published.publicKey).toBe(endpoint.publicKey);
    expect(crypto.createPublicKey(published.pem).export({ format: "jwk" }).x).toBe(Buffer.from(endpoint.publicKey!.slice(5), "base64").toString("base64url"));
  });

  it("signs scheduled attempts and their retries with v1a over the stored bytes, with no x-webhook-signature", async () => {
    receiver.setResponder(respondInSequence(500, 200));
    const { org, endpoint, engine, clock } = await setup();
    const data = { amount: 1.0, customer: "Zoë", big: "12345678901234567890", nested: { b: 1, a: [true, null] } };
    const { eventId } = await sendWebhookNotification(org.id, "invoice.settled", "inv-1", data, { now: engine.now });
    expect(await processDueDeliveries(engine)).toBe(1);
    clock.advance(HOUR);
    expect(await processDueDeliveries(engine)).toBe(1);

    const stored = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(receiver.requests).toHaveLength(2);
    const [first, retry] = receiver.requests;
    for (const request of [first!, retry!]) {
      expect(request.body).toBe(stored.body);
      expect(request.headers).not.toHaveProperty("x-webhook-signature");
      expect(entries(request)).toHaveLength(1);
      expect(entries(request)[0]).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
      expect(verifiesWith(request, { publicKey: endpoint.publicKey! })).toBe(true);
      expect(nodeVerifies(request, endpoint.publicKey!, entries(request)[0]!)).toBe(true);
      expect(nodeVerifies({ ...request, body: `${request.body} ` }, endpoint.publicKey!, entries(request)[0]!)).toBe(false);
    }
    // Same id, a fresh timestamp and so a fresh signature on the retry.
    expect(retry!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(retry!.headers["webhook-timestamp"]).not.toBe(first!.headers["webhook-timestamp"]);
    expect(entries(retry!)[0]).not.toBe(entries(first!)[0]);
  });

  it("signs test sends and redeliveries the same way", async () => {
    const { org, endpoint } = await setup();
    const test = await sendTestEvent({ organizationId: org.id, endpointId: endpoint.id });
    expect(test).toMatchObject({ success: true, statusCode: 200 });
    const redelivered = await redeliver({ organizationId: org.id, deliveryId: test.deliveryId });
    expect(redelivered).toMatchObject({ success: true, statusCode: 200 });
    expect(receiver.requests).toHaveLength(2);
    for (const request of receiver.requests) {
      expect(verifiesWith(request, { publicKey: endpoint.publicKey! })).toBe(true);
      expect(request.headers).not.toHaveProperty("x-webhook-signature");
    }
  });

  it("rotates to a new key pair: both sign during the grace, newest first, then the old private key is erased", async () => {
    const { org, endpoint: before, engine, clock } = await setup();
    await expect(rotateEndpointSecret({ organizationId: org.id, endpointId: before.id })).rejects.toMatchObject({ code: "no_shared_secret" });
    expect((await getEndpoint({ organizationId: org.id, endpointId: before.id })).publicKey).toBe(before.publicKey);

    const rotated = await rotateEndpointCredential({ organizationId: org.id, endpointId: before.id, now: clock.now });
    if (rotated.signatureScheme !== "ed25519") throw new Error("expected a key pair");
    expect(rotated.publicKey).not.toBe(before.publicKey);
    expect(rotated.endpoint).toMatchObject({ publicKey: rotated.publicKey, previousSignatureScheme: "ed25519", previousSecretExpiresAt: new Date(clock.now().getTime() + 24 * HOUR * 1000) });

    await sendWebhookNotification(org.id, "invoice.settled", "during", {}, { now: engine.now });
    await processDueDeliveries(engine);
    const during = receiver.requests.at(-1)!;
    const [newest, oldest] = entries(during);
    expect(entries(during)).toHaveLength(2);
    expect(nodeVerifies(during, rotated.publicKey, newest!)).toBe(true);
    expect(nodeVerifies(during, before.publicKey!, oldest!)).toBe(true);
    // A receiver holding either key accepts it.
    expect(verifiesWith(during, { publicKey: before.publicKey! })).toBe(true);
    expect(verifiesWith(during, { publicKey: rotated.publicKey })).toBe(true);

    clock.advance(25 * HOUR);
    await sendWebhookNotification(org.id, "invoice.settled", "after", {}, { now: engine.now });
    await processDueDeliveries(engine);
    const after = receiver.requests.at(-1)!;
    expect(entries(after)).toHaveLength(1);
    expect(verifiesWith(after, { publicKey: before.publicKey! })).toBe(false);
    expect(verifiesWith(after, { publicKey: rotated.publicKey })).toBe(true);

    expect(await pruneExpired({ retentionDays: 30, now: clock.now })).toMatchObject({ previousSecrets: 1 });
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: before.id } });
    expect(row).toMatchObject({ previousSecretEncrypted: null, previousSecretExpiresAt: null });
  });

  it("rotates with no grace: the old key stops at once", async () => {
    const { org, endpoint: before, engine } = await setup();
    const rotated = await rotateEndpointCredential({ organizationId: org.id, endpointId: before.id, graceSeconds: 0 });
    expect(rotated.endpoint.previousSecretExpiresAt).toBeNull();
    await sendWebhookNotification(org.id, "invoice.settled", "now", {}, { now: engine.now });
    await processDueDeliveries(engine);
    const request = receiver.requests.at(-1)!;
    expect(entries(request)).toHaveLength(1);
    expect(verifiesWith(request, { publicKey: before.publicKey! })).toBe(false);
  });
});

describe("changing an endpoint's signature scheme", () => {
  it("hmac → ed25519: the old secret keeps its v1 entry and x-webhook-signature through the grace, then only v1a", async () => {
    const { org, endpoint, secret, engine, clock } = await setup("hmac");
    const switched = await updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, signatureScheme: "ed25519", now: clock.now });
    expect(switched).toMatchObject({ signatureScheme: "ed25519", publicKey: expect.stringMatching(/^whpk_/), previousSignatureScheme: "hmac" });
    expect(switched.previousSecretExpiresAt).toEqual(new Date(clock.now().getTime() + 24 * HOUR * 1000));

    await sendWebhookNotification(org.id, "invoice.settled", "mid-switch", { n: 1 }, { now: engine.now });
    await processDueDeliveries(engine);
    const mid = receiver.requests.at(-1)!;
    expect(entries(mid).map((entry) => entry.split(",")[0])).toEqual(["v1a", "v1"]);
    // A receiver not yet switched verifies both of its headers as before.
    expect(verifiesWith(mid, { secret: secret! })).toBe(true);
    expect(verifyWebhookSignature(mid.body, String(mid.headers["x-webhook-signature"]), secret!)).toBe(true);
    // A receiver already switched verifies the new key's entry.
    expect(verifiesWith(mid, { publicKey: switched.publicKey! })).toBe(true);

    clock.advance(25 * HOUR);
    await sendWebhookNotification(org.id, "invoice.settled", "switched", { n: 2 }, { now: engine.now });
    await processDueDeliveries(engine);
    const after = receiver.requests.at(-1)!;
    expect(entries(after).map((entry) => entry.split(",")[0])).toEqual(["v1a"]);
    expect(after.headers).not.toHaveProperty("x-webhook-signature");
    expect(verifiesWith(after, { secret: secret! })).toBe(false);
  });

  it("ed25519 → hmac: a new secret to reveal, signing v1 and x-webhook-signature, the old key's v1a beside it through the grace", async () => {
    const { org, endpoint, engine, clock } = await setup("ed25519");
    const switched = await updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, signatureScheme: "hmac", now: clock.now });
    expect(switched).toMatchObject({ signatureScheme: "hmac", publicKey: null, previousSignatureScheme: "ed25519" });
    const secret = await revealEndpointSecret({ organizationId: org.id, endpointId: endpoint.id });
    expect(secret).toMatch(/^whsec_/);
    await expect(getEndpointPublicKey({ organizationId: org.id, endpointId: endpoint.id })).rejects.toMatchObject({ code: "no_public_key" });

    await sendWebhookNotification(org.id, "invoice.settled", "back", {}, { now: engine.now });
    await processDueDeliveries(engine);
    const request = receiver.requests.at(-1)!;
    expect(entries(request).map((entry) => entry.split(",")[0])).toEqual(["v1", "v1a"]);
    expect(verifiesWith(request, { publicKey: endpoint.publicKey! })).toBe(true);
    expect(verifiesWith(request, { secret })).toBe(true);
    expect(verifyWebhookSignature(request.body, String(request.headers["x-webhook-signature"]), secret)).toBe(true);
  });

  it("setting the scheme it already has changes nothing", async () => {
    const { org, endpoint } = await setup("ed25519");
    const same = await updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, signatureScheme: "ed25519" });
    expect(same).toMatchObject({ publicKey: endpoint.publicKey, previousSecretExpiresAt: null });
  });

  it("refuses an unknown scheme with invalid_input", async () => {
    const { org, endpoint } = await setup("hmac");
    await expect(updateEndpoint({ organizationId: org.id, endpointId: endpoint.id, signatureScheme: "rsa" as never })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(makeEndpoint({ organizationId: org.id, url: receiver.url, signatureScheme: "v1a" as never })).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("the private key and the encryption key ring", () => {
  const saved = process.env.WEBHOOK_ENCRYPTION_KEYS;
  function useKeys(keys: string) {
    process.env.WEBHOOK_ENCRYPTION_KEYS = keys;
    resetEnvCache();
    resetKeyRing();
  }
  afterAll(() => {
    if (saved === undefined) delete process.env.WEBHOOK_ENCRYPTION_KEYS;
    else process.env.WEBHOOK_ENCRYPTION_KEYS = saved;
    resetEnvCache();
    resetKeyRing();
  });

  it("re-encrypts the current and the previous private key, which then sign with the new key alone", async () => {
    const oldKey = generateKeyRingEntry("old");
    const newKey = generateKeyRingEntry("new");
    useKeys(oldKey);
    const { org, endpoint, engine } = await setup("ed25519");
    const rotated = await rotateEndpointCredential({ organizationId: org.id, endpointId: endpoint.id });
    if (rotated.signatureScheme !== "ed25519") throw new Error("expected a key pair");

    useKeys(`${newKey},${oldKey}`);
    expect(await reencryptSecrets()).toEqual({ updated: 1, scanned: 1 });
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(encryptedWithKeyId(row.secretEncrypted)).toBe("new");
    expect(encryptedWithKeyId(row.previousSecretEncrypted!)).toBe("new");

    useKeys(newKey);
    await sendWebhookNotification(org.id, "invoice.settled", "after-reencrypt", {}, { now: engine.now });
    expect(await processDueDeliveries(engine)).toBe(1);
    const request = receiver.requests.at(-1)!;
    expect(verifiesWith(request, { publicKey: rotated.publicKey })).toBe(true);
    expect(verifiesWith(request, { publicKey: endpoint.publicKey! })).toBe(true);
  });

  it("holds deliveries while no key opens the private key, and sends them once it is back", async () => {
    const k1 = generateKeyRingEntry("k1");
    const k2 = generateKeyRingEntry("k2");
    useKeys(k2);
    const { org, endpoint } = await setup("ed25519");
    // The private key as sealed under k1, which the workers below do not have.
    const [privateKey] = signingSecrets(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } }), new Date());
    await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { secretEncrypted: sealSigningSecret(privateKey!, endpoint.id, "ed25519", parseKeyRing(k1)) } });
    await sendWebhookNotification(org.id, "invoice.settled", "held", {});

    const ringK2 = parseKeyRing(k2);
    expect(await processDueDeliveries({ keyRing: ringK2 })).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    const marked = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(marked).toMatchObject({ signingBlockedKeyId: "k1" });
    expect(marked.signingBlockedAt).not.toBeNull();
    expect(unopenableKeyId(marked, new Date(), ringK2)).toBe("k1");
    expect(await checkStoredSecretsDecryptable({ ring: ringK2 })).toMatchObject({ undecryptable: 1, byKeyId: { k1: 1 } });

    const restored = parseKeyRing(`${k2},${k1}`);
    expect(await checkStoredSecretsDecryptable({ ring: restored })).toMatchObject({ undecryptable: 0, cleared: 1 });
    expect(await processDueDeliveries({ keyRing: restored })).toBe(1);
    expect(verifiesWith(receiver.requests[0]!, { publicKey: endpoint.publicKey! })).toBe(true);
  });

  it("does not open a private key relabelled as an hmac secret (the scheme is bound into the ciphertext)", async () => {
    const { endpoint } = await setup("ed25519");
    await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { signatureScheme: "hmac" } });
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    const { getKeyRing } = await import("@/lib/webhooks/secrets");
    expect(unopenableKeyId(row, new Date(), getKeyRing())).toBe(encryptedWithKeyId(row.secretEncrypted));
  });
});

describe("Diagnose on an ed25519 endpoint", () => {
  it("sends its signed request through the one send path and, when refused, points at the public key", async () => {
    receiver.setResponder(respondWith(401, { "content-type": "text/plain" }, "invalid signature"));
    const { org, endpoint } = await setup("ed25519");
    const diagnosis = await diagnoseEndpoint({ organizationId: org.id, endpointId: endpoint.id, stepTimeoutMs: 2_000 });
    const signature = diagnosis.steps.find((step) => step.name === "signature");
    expect(signature).toMatchObject({ status: "failed", fix: ED25519_SIGNATURE_REJECTED_FIX });
    expect(signature!.fix).toMatch(/public key/);
    expect(verifiesWith(receiver.requests.at(-1)!, { publicKey: endpoint.publicKey! })).toBe(true);

    receiver.setResponder(respondWith(204));
    const accepted = await diagnoseEndpoint({ organizationId: org.id, endpointId: endpoint.id, stepTimeoutMs: 2_000 });
    expect(accepted.steps.find((step) => step.name === "signature")).toMatchObject({ status: "passed", summary: expect.stringMatching(/public key/) });
  });
});
