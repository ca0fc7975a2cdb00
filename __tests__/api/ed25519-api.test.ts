/**
 * The JSON API of Ed25519 endpoints: choosing the scheme on create and PATCH, the public-key
 * route (JSON and a PEM download, any member, an API key with endpoints:read, nobody outside the
 * organization), rotation with grace, and the refusals (no secret to reveal, no public key on
 * an hmac endpoint, an unknown scheme).
 */
import crypto from "node:crypto";
import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as endpoint from "@/app/api/webhooks/endpoints/[id]/route";
import * as publicKeyRoute from "@/app/api/webhooks/endpoints/[id]/public-key/route";
import * as rotate from "@/app/api/webhooks/endpoints/[id]/rotate-secret/route";
import * as reveal from "@/app/api/webhooks/endpoints/[id]/secret/route";
import * as apiKeys from "@/app/api/api-keys/route";
import { prisma } from "@/lib/db";
import { processDueDeliveries, sendWebhookNotification, verifyStandardWebhookSignature } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery } from "../helpers/fixtures";
import { respondWith, startReceiver, type ReceivedRequest, type Receiver } from "../helpers/receiver";

setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

let receiver: Receiver;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  receiver = await startReceiver(respondWith(204));
  owner = await signUp("owner@ed25519-a.example");
  orgA = await createOrganization(owner, "Keys A");
  member = await signUp("member@ed25519-a.example");
  await joinOrganization(member, orgA, "member");
  outsider = await signUp("owner@ed25519-b.example");
  orgB = await createOrganization(outsider, "Keys B");
});
beforeEach(async () => {
  receiver.requests.length = 0;
  await prisma.webhookEndpoint.deleteMany();
  await prisma.webhookEvent.deleteMany();
  await prisma.apiKey.deleteMany();
});
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

interface EndpointBody {
  id: string;
  signatureScheme: string;
  publicKey: string | null;
  previousSignatureScheme: string | null;
  previousSecretExpiresAt: string | null;
}

async function createAs(user: TestUser, body: Record<string, unknown>, org = orgA): Promise<{ endpoint: EndpointBody; secret?: string }> {
  const response = await call(endpoints.POST, { user, org, body: { url: receiver.url, ...body } });
  expect(response.status).toBe(201);
  return response.body;
}

const publicKeyOf = (user: TestUser, id: string, org = orgA, query?: Record<string, string>) => call(publicKeyRoute.GET, { user, org, params: { id }, query });

async function deliverOne(): Promise<ReceivedRequest> {
  await sendWebhookNotification(orgA, "invoice.settled", `inv-${Math.random()}`, { amount: 4200 });
  expect(await processDueDeliveries()).toBe(1);
  return receiver.requests.at(-1)!;
}

function verifies(request: ReceivedRequest, key: { publicKey: string } | { secret: string }): boolean {
  const parts = { messageId: String(request.headers["webhook-id"]), timestamp: String(request.headers["webhook-timestamp"]), body: request.body, signature: String(request.headers["webhook-signature"]) };
  return verifyStandardWebhookSignature({ ...parts, ...key } as Parameters<typeof verifyStandardWebhookSignature>[0]);
}

describe("choosing the scheme", () => {
  it("creates an ed25519 endpoint: the public key in the answer, no secret", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    expect(created).not.toHaveProperty("secret");
    expect(created.endpoint).toMatchObject({ signatureScheme: "ed25519", publicKey: expect.stringMatching(/^whpk_[A-Za-z0-9+/]{43}=$/), previousSignatureScheme: null });
    const request = await deliverOne();
    expect(verifies(request, { publicKey: created.endpoint.publicKey! })).toBe(true);
    expect(request.headers).not.toHaveProperty("x-webhook-signature");
  });

  it("creates hmac endpoints as before when no scheme is given", async () => {
    const created = await createAs(owner, {});
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.endpoint).toMatchObject({ signatureScheme: "hmac", publicKey: null });
  });

  it.each([
    ["POST", { signatureScheme: "rsa" }],
    ["POST", { signatureScheme: "" }],
    ["PATCH", { signatureScheme: "v1a" }],
    ["PATCH", { signatureScheme: null }],
  ])("%s with %j is a 400 naming the field", async (method, body) => {
    const target = method === "POST" ? undefined : (await createAs(owner, {})).endpoint.id;
    const response =
      method === "POST"
        ? await call(endpoints.POST, { user: owner, org: orgA, body: { url: receiver.url, ...body } })
        : await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id: target! }, body });
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: ["body", "signatureScheme"] })]));
  });

  it("PATCH hmac → ed25519 answers the public key; the old secret keeps signing beside it for the grace", async () => {
    const created = await createAs(owner, {});
    const response = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id: created.endpoint.id }, body: { signatureScheme: "ed25519" } });
    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty("secret");
    const switched = response.body.endpoint as EndpointBody;
    expect(switched).toMatchObject({ signatureScheme: "ed25519", publicKey: expect.stringMatching(/^whpk_/), previousSignatureScheme: "hmac" });
    expect(Date.parse(switched.previousSecretExpiresAt!) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);

    const request = await deliverOne();
    expect(verifies(request, { secret: created.secret! })).toBe(true);
    expect(verifies(request, { publicKey: switched.publicKey! })).toBe(true);

    const audit = await prisma.auditLogEntry.findFirstOrThrow({ where: { organizationId: orgA, action: "endpoint.updated" }, orderBy: { createdAt: "desc" } });
    expect(audit.details).toMatchObject({ changed: ["signatureScheme"] });
  });

  it("PATCH ed25519 → hmac answers the new secret once, like a created endpoint", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await call(endpoint.PATCH, { method: "PATCH", user: owner, org: orgA, params: { id: created.endpoint.id }, body: { signatureScheme: "hmac" } });
    expect(response.status).toBe(200);
    expect(response.body.secret).toMatch(/^whsec_/);
    expect(response.body.endpoint).toMatchObject({ signatureScheme: "hmac", publicKey: null, previousSignatureScheme: "ed25519" });
    const request = await deliverOne();
    expect(verifies(request, { secret: response.body.secret })).toBe(true);
    expect(verifies(request, { publicKey: created.endpoint.publicKey! })).toBe(true);
  });

  it("members may not change the scheme", async () => {
    const created = await createAs(owner, {});
    const response = await call(endpoint.PATCH, { method: "PATCH", user: member, org: orgA, params: { id: created.endpoint.id }, body: { signatureScheme: "ed25519" } });
    expect(response.status).toBe(403);
  });
});

describe("GET /api/webhooks/endpoints/[id]/public-key", () => {
  it("answers any member with the whpk_ key and its PEM", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await publicKeyOf(member, created.endpoint.id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ publicKey: created.endpoint.publicKey, pem: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/) });
    const fromPem = crypto.createPublicKey(response.body.pem).export({ format: "jwk" }).x;
    expect(fromPem).toBe(Buffer.from(created.endpoint.publicKey!.slice(5), "base64").toString("base64url"));
  });

  it("downloads the PEM with ?format=pem", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await publicKeyOf(member, created.endpoint.id, orgA, { format: "pem" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-pem-file");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${created.endpoint.id}-public-key.pem"`);
    expect(response.body).toBe((await publicKeyOf(member, created.endpoint.id)).body.pem);
  });

  it("is a 400 for an unknown format", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await publicKeyOf(member, created.endpoint.id, orgA, { format: "der" });
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([expect.objectContaining({ path: ["query", "format"] })]);
  });

  it("answers another organization's endpoint 404, as if it did not exist", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await publicKeyOf(outsider, created.endpoint.id, orgB);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: "endpoint_not_found" });
    expect(JSON.stringify(response.body)).not.toContain(created.endpoint.publicKey!);
    // Naming the other organization while not a member of it.
    expect((await publicKeyOf(outsider, created.endpoint.id, orgA)).status).toBe(404);
  });

  it("answers an hmac endpoint 409 no_public_key", async () => {
    const created = await createAs(owner, {});
    const response = await publicKeyOf(owner, created.endpoint.id);
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error: "no_public_key" });
  });

  it("takes an API key with endpoints:read, and refuses one without it", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const reader = await call(apiKeys.POST, { user: owner, org: orgA, body: { name: "reader", scopes: ["endpoints:read"] } });
    const sender = await call(apiKeys.POST, { user: owner, org: orgA, body: { name: "sender" } });
    const withKey = (key: string) => call(publicKeyRoute.GET, { headers: { authorization: `Bearer ${key}` }, params: { id: created.endpoint.id } });
    const allowed = await withKey(reader.body.key);
    expect(allowed.status).toBe(200);
    expect(allowed.body.publicKey).toBe(created.endpoint.publicKey);
    const refused = await withKey(sender.body.key);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: "missing_scope", missingScope: "endpoints:read" });
  });
});

describe("rotation and the secret routes", () => {
  it("rotates an ed25519 endpoint to a new key pair, both signing through the grace", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await call(rotate.POST, { user: owner, org: orgA, params: { id: created.endpoint.id }, body: {} });
    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty("secret");
    expect(response.body.publicKey).toMatch(/^whpk_/);
    expect(response.body.publicKey).not.toBe(created.endpoint.publicKey);
    expect(response.body.endpoint).toMatchObject({ publicKey: response.body.publicKey, previousSignatureScheme: "ed25519" });
    expect((await publicKeyOf(member, created.endpoint.id)).body.publicKey).toBe(response.body.publicKey);

    const request = await deliverOne();
    expect(String(request.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifies(request, { publicKey: created.endpoint.publicKey! })).toBe(true);
    expect(verifies(request, { publicKey: response.body.publicKey })).toBe(true);

    const audit = await prisma.auditLogEntry.findFirstOrThrow({ where: { organizationId: orgA, action: "endpoint.secret_rotated" } });
    expect(audit.details).toEqual({ graceSeconds: 24 * 3600, signatureScheme: "ed25519" });
  });

  it("rotates with graceSeconds 0: the old key stops at once", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await call(rotate.POST, { user: owner, org: orgA, params: { id: created.endpoint.id }, body: { graceSeconds: 0 } });
    expect(response.body.endpoint.previousSecretExpiresAt).toBeNull();
    const request = await deliverOne();
    expect(verifies(request, { publicKey: created.endpoint.publicKey! })).toBe(false);
    expect(verifies(request, { publicKey: response.body.publicKey })).toBe(true);
  });

  it("still rotates hmac endpoints to a new secret", async () => {
    const created = await createAs(owner, {});
    const response = await call(rotate.POST, { user: owner, org: orgA, params: { id: created.endpoint.id }, body: {} });
    expect(response.status).toBe(200);
    expect(response.body.secret).toMatch(/^whsec_/);
    expect(response.body).not.toHaveProperty("publicKey");
  });

  it("reveals no secret of an ed25519 endpoint (409 no_shared_secret), and audits nothing", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await call(reveal.GET, { user: owner, org: orgA, params: { id: created.endpoint.id } });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error: "no_shared_secret" });
    expect(JSON.stringify(response.body)).not.toMatch(/whsk_/);
    expect(await prisma.auditLogEntry.count({ where: { organizationId: orgA, action: "endpoint.secret_revealed" } })).toBe(0);
  });

  it("answers another organization's rotation 404 and changes nothing", async () => {
    const created = await createAs(owner, { signatureScheme: "ed25519" });
    const response = await call(rotate.POST, { user: outsider, org: orgB, params: { id: created.endpoint.id }, body: {} });
    expect(response.status).toBe(404);
    expect((await publicKeyOf(owner, created.endpoint.id)).body.publicKey).toBe(created.endpoint.publicKey);
  });
});
