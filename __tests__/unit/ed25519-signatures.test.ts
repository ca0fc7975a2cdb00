import crypto from "node:crypto";
import { WebhookError } from "@/lib/webhooks/errors";
import { generateSecret } from "@/lib/webhooks/secrets";
import { buildWebhookHeaders, generateHmacSignature, signStandardWebhook, verifyStandardWebhookSignature } from "@/lib/webhooks/sign";
import {
  generateSigningKeyPair,
  importedKeyCount,
  isValidPrivateKey,
  KEY_CACHE_SIZE,
  isValidPublicKey,
  publicKeyOf,
  publicKeyPem,
  signEd25519,
  verifyEd25519,
} from "@/lib/webhooks/signing-keys";

// Expected values come from outside the code under test: RFC 8032 §7.1 (tests 1–3) and the
// Standard Webhooks reference library's asymmetric signing test (libraries/go/webhook_asymmetric_test.go).
const RFC8032 = [
  {
    name: "RFC 8032 test 1 (empty message)",
    secretKey: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    name: "RFC 8032 test 2 (one byte)",
    secretKey: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    name: "RFC 8032 test 3 (two bytes)",
    secretKey: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    message: "af82",
    signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];
const whsk = (hex: string) => `whsk_${Buffer.from(hex, "hex").toString("base64")}`;
const whpk = (hex: string) => `whpk_${Buffer.from(hex, "hex").toString("base64")}`;

/** The Standard Webhooks reference library's vector: its key is the base64 seed, given here with the spec's whsk_ prefix. */
const SPEC = {
  privateKey: "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
  messageId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==",
};

/**
 * A second, independent verifier: node:crypto with the public key imported as a JWK from the
 * raw bytes after whpk_ (the code under test imports DER), as the docs show receivers.
 */
function verifyWithJwk(publicKey: string, data: string, entry: string): boolean {
  const key = crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey.slice(5), "base64").toString("base64url") }, format: "jwk" });
  return crypto.verify(null, Buffer.from(data, "utf8"), key, Buffer.from(entry.slice("v1a,".length), "base64"));
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("Ed25519 keys (whsk_ / whpk_)", () => {
  test.each(RFC8032)("$name: the public key and the signature are the published ones", ({ secretKey, publicKey, message, signature }) => {
    expect(publicKeyOf(whsk(secretKey))).toBe(whpk(publicKey));
    const signed = signEd25519(Buffer.from(message, "hex"), whsk(secretKey));
    expect(signed.toString("hex")).toBe(signature);
    expect(verifyEd25519(Buffer.from(message, "hex"), Buffer.from(signature, "hex"), whpk(publicKey))).toBe(true);
  });

  it("generates a pair from 32 random bytes: whsk_ is their base64, whpk_ the derived public key", () => {
    const seed = Buffer.from(RFC8032[0]!.secretKey, "hex");
    const pair = generateSigningKeyPair(() => Buffer.from(seed));
    expect(pair).toEqual({ privateKey: whsk(RFC8032[0]!.secretKey), publicKey: whpk(RFC8032[0]!.publicKey) });
  });

  it("generates a different, valid pair each time from the system's randomness", () => {
    const pairs = [generateSigningKeyPair(), generateSigningKeyPair()];
    expect(pairs[0]!.privateKey).not.toBe(pairs[1]!.privateKey);
    for (const pair of pairs) {
      expect(pair.privateKey).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
      expect(pair.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
      expect(isValidPrivateKey(pair.privateKey)).toBe(true);
      expect(isValidPublicKey(pair.publicKey)).toBe(true);
      expect(publicKeyOf(pair.privateKey)).toBe(pair.publicKey);
    }
  });

  it("refuses a random source that gives the wrong number of bytes", () => {
    expect(caught(() => generateSigningKeyPair(() => Buffer.alloc(31)))).toMatchObject({ code: "invalid_input" });
  });

  it("writes the public key as an SPKI PEM that OpenSSL-style loaders read back to the same key", () => {
    const publicKey = whpk(RFC8032[1]!.publicKey);
    const pem = publicKeyPem(publicKey);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    // The DER inside: the RFC 8410 SPKI header for Ed25519, then the 32 raw bytes.
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\n/g, ""), "base64");
    expect(der.toString("hex")).toBe(`302a300506032b6570032100${RFC8032[1]!.publicKey}`);
    const loaded = crypto.createPublicKey(pem);
    expect(crypto.verify(null, Buffer.from(RFC8032[1]!.message, "hex"), loaded, Buffer.from(RFC8032[1]!.signature, "hex"))).toBe(true);
  });

  test.each([
    ["no prefix", RFC8032[0]!.secretKey],
    ["the public prefix", `whpk_${Buffer.from(RFC8032[0]!.secretKey, "hex").toString("base64")}`],
    ["31 bytes", `whsk_${Buffer.alloc(31, 1).toString("base64")}`],
    ["33 bytes", `whsk_${Buffer.alloc(33, 1).toString("base64")}`],
    ["the 64-byte seed-and-public form", `whsk_${Buffer.alloc(64, 1).toString("base64")}`],
    ["base64url characters", whsk(RFC8032[0]!.secretKey).replace(/[+/]/g, "-").replace(/=$/, "")],
    ["padding missing", whsk(RFC8032[0]!.secretKey).replace(/=$/, "")],
    ["junk characters", `${whsk(RFC8032[0]!.secretKey).slice(0, 10)}!${whsk(RFC8032[0]!.secretKey).slice(11)}`],
    ["an empty string", ""],
  ])("a private key with %s is refused", (_label, value) => {
    expect(isValidPrivateKey(value)).toBe(false);
  });

  test.each([
    ["a private key", whsk(RFC8032[0]!.secretKey)],
    ["31 bytes", `whpk_${Buffer.alloc(31, 1).toString("base64")}`],
    ["a whsec_ secret", generateSecret()],
    ["non-canonical base64", `whpk_${Buffer.from(RFC8032[0]!.publicKey, "hex").toString("base64").replace(/.=$/, "h=")}`],
  ])("a public key that is %s is refused", (_label, value) => {
    expect(isValidPublicKey(value)).toBe(false);
    expect(caught(() => publicKeyPem(value))).toMatchObject({ code: "invalid_input" });
  });

  it("verifyEd25519 never throws: a malformed key or a signature of the wrong length is false", () => {
    const data = Buffer.from("x");
    expect(verifyEd25519(data, Buffer.alloc(64), "whpk_nope")).toBe(false);
    expect(verifyEd25519(data, Buffer.alloc(63), whpk(RFC8032[0]!.publicKey))).toBe(false);
    expect(verifyEd25519(data, Buffer.alloc(64), whpk(RFC8032[0]!.publicKey))).toBe(false);
  });
});

describe("v1a signatures (signStandardWebhook with a whsk_ key)", () => {
  it("matches the Standard Webhooks reference library's asymmetric vector", () => {
    expect(signStandardWebhook({ messageId: SPEC.messageId, timestamp: SPEC.timestamp, body: SPEC.body, secrets: [SPEC.privateKey] })).toBe(SPEC.signature);
  });

  it("verifies with node:crypto and the public key imported independently", () => {
    const publicKey = publicKeyOf(SPEC.privateKey);
    expect(verifyWithJwk(publicKey, `${SPEC.messageId}.${SPEC.timestamp}.${SPEC.body}`, SPEC.signature)).toBe(true);
    expect(verifyWithJwk(publicKey, `${SPEC.messageId}.${SPEC.timestamp}.${SPEC.body} `, SPEC.signature)).toBe(false);
  });

  it("signs each key in order, newest first, v1a entries beside v1 entries during a change of scheme", () => {
    const other = generateSigningKeyPair();
    const secret = generateSecret();
    const base = { messageId: SPEC.messageId, timestamp: SPEC.timestamp, body: SPEC.body };
    const otherOnly = signStandardWebhook({ ...base, secrets: [other.privateKey] });
    expect(otherOnly).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    const hmacOnly = signStandardWebhook({ ...base, secrets: [secret] });
    expect(signStandardWebhook({ ...base, secrets: [other.privateKey, SPEC.privateKey] })).toBe(`${otherOnly} ${SPEC.signature}`);
    expect(signStandardWebhook({ ...base, secrets: [other.privateKey, secret] })).toBe(`${otherOnly} ${hmacOnly}`);
    expect(signStandardWebhook({ ...base, secrets: [secret, other.privateKey] })).toBe(`${hmacOnly} ${otherOnly}`);
  });

  test.each([
    ["a whsk_ key of 31 bytes", `whsk_${Buffer.alloc(31, 1).toString("base64")}`],
    ["a whsk_ key of 33 bytes", `whsk_${Buffer.alloc(33, 2).toString("base64")}`],
    ["a whsk_ key with junk", "whsk_not base64 at all"],
  ])("throws invalid_input for %s, naming the position and never the key", (_label, key) => {
    const error = caught(() => signStandardWebhook({ messageId: SPEC.messageId, timestamp: SPEC.timestamp, body: SPEC.body, secrets: [SPEC.privateKey, key] }));
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toMatchObject({ code: "invalid_input" });
    expect((error as Error).message).toContain("signing key 2");
    expect((error as Error).message).not.toContain(key.slice("whsk_".length));
  });

  it("throws invalid_input for a bare whsk_ prefix: it is never taken for an HMAC key", () => {
    expect(caught(() => signStandardWebhook({ messageId: SPEC.messageId, timestamp: SPEC.timestamp, body: SPEC.body, secrets: ["whsk_"] }))).toMatchObject({ code: "invalid_input" });
  });
});

describe("buildWebhookHeaders for an Ed25519 endpoint", () => {
  const input = {
    messageId: "msg_01jed25519",
    eventType: "invoice.paid",
    eventTimestamp: "2025-01-02T03:04:05.000Z",
    body: JSON.stringify({ event: "invoice.paid", data: { amount: 4200, note: "café" } }),
    attemptAt: new Date(SPEC.timestamp * 1000 + 500),
  };

  it("sends v1a only and no x-webhook-signature: there is no shared secret to key it with", () => {
    const headers = buildWebhookHeaders({ ...input, secrets: [SPEC.privateKey] });
    expect(headers["webhook-signature"]).toBe(signStandardWebhook({ messageId: input.messageId, timestamp: SPEC.timestamp, body: input.body, secrets: [SPEC.privateKey] }));
    expect(headers["webhook-signature"]).toMatch(/^v1a,/);
    expect(headers).not.toHaveProperty("x-webhook-signature");
    expect(headers["webhook-timestamp"]).toBe(String(SPEC.timestamp));
  });

  it("switching from hmac: the previous secret keeps the v1 entry and keys x-webhook-signature", () => {
    const previous = generateSecret();
    const headers = buildWebhookHeaders({ ...input, secrets: [SPEC.privateKey, previous] });
    const [first, second] = String(headers["webhook-signature"]).split(" ");
    expect(first).toMatch(/^v1a,/);
    expect(second).toBe(signStandardWebhook({ messageId: input.messageId, timestamp: SPEC.timestamp, body: input.body, secrets: [previous] }));
    expect(headers["x-webhook-signature"]).toBe(generateHmacSignature(input.body, previous));
  });

  it("switching to hmac: the new secret keys x-webhook-signature, the previous key still signs v1a", () => {
    const secret = generateSecret();
    const headers = buildWebhookHeaders({ ...input, secrets: [secret, SPEC.privateKey] });
    expect(String(headers["webhook-signature"]).split(" ").map((entry) => entry.split(",")[0])).toEqual(["v1", "v1a"]);
    expect(headers["x-webhook-signature"]).toBe(generateHmacSignature(input.body, secret));
  });
});

describe("verifyStandardWebhookSignature with a public key", () => {
  const publicKey = publicKeyOf(SPEC.privateKey);
  const spec = { messageId: SPEC.messageId, timestamp: String(SPEC.timestamp), body: SPEC.body, signature: SPEC.signature, publicKey };

  it("accepts the reference vector, given as publicKey or as a whpk_ secret", () => {
    expect(verifyStandardWebhookSignature(spec)).toBe(true);
    const { publicKey: key, ...rest } = spec;
    expect(verifyStandardWebhookSignature({ ...rest, secret: key })).toBe(true);
  });

  it("accepts a header where any v1a entry verifies, beside v1 entries and unknown versions", () => {
    const other = signStandardWebhook({ messageId: SPEC.messageId, timestamp: SPEC.timestamp, body: SPEC.body, secrets: [generateSigningKeyPair().privateKey, generateSecret()] });
    expect(verifyStandardWebhookSignature({ ...spec, signature: `${other} ${SPEC.signature}` })).toBe(true);
    expect(verifyStandardWebhookSignature({ ...spec, signature: `v2,abc ${SPEC.signature}` })).toBe(true);
  });

  test.each([
    ["another key pair's public key", { publicKey: generateSigningKeyPair().publicKey }],
    ["a changed body", { body: '{"test": 2432232315}' }],
    ["re-serialised JSON", { body: '{"test":2432232314}' }],
    ["another message id", { messageId: "msg_other" }],
    ["another timestamp", { timestamp: String(SPEC.timestamp + 1) }],
    ["a non-numeric timestamp", { timestamp: "1614265330.0" }],
    ["an empty message id", { messageId: "" }],
    ["an empty header", { signature: "" }],
    ["the entry labelled v1", { signature: SPEC.signature.replace("v1a,", "v1,") }],
    ["the signature without its version", { signature: SPEC.signature.slice(4) }],
    ["a truncated signature", { signature: SPEC.signature.slice(0, -4) }],
    ["one flipped signature bit", { signature: SPEC.signature.replace("tQ9V", "tQ9W") }],
    ["junk that a lenient base64 decoder would skip", { signature: SPEC.signature.replace("+", "!+").slice(0, -1) }],
    ["base64url instead of base64", { signature: SPEC.signature.replace(/\//g, "_") }],
    ["a malformed public key", { publicKey: "whpk_nope" }],
    ["a private key as public key", { publicKey: SPEC.privateKey }],
  ])("refuses %s without throwing", (_label, change) => {
    expect(verifyStandardWebhookSignature({ ...spec, ...change })).toBe(false);
  });

  it("a shared secret never verifies a v1a entry", () => {
    const { publicKey: _unused, ...rest } = spec;
    expect(verifyStandardWebhookSignature({ ...rest, secret: generateSecret() })).toBe(false);
  });
});

describe("imported keys", () => {
  it("keeps at most KEY_CACHE_SIZE imported keys, and a key evicted and imported again signs the same", () => {
    const first = generateSigningKeyPair();
    const data = Buffer.from("msg_1.1700000000.{}");
    const before = signEd25519(data, first.privateKey);
    for (let index = 0; index < KEY_CACHE_SIZE + 10; index++) {
      const pair = generateSigningKeyPair();
      expect(verifyEd25519(data, signEd25519(data, pair.privateKey), pair.publicKey)).toBe(true);
    }
    expect(importedKeyCount()).toBeLessThanOrEqual(KEY_CACHE_SIZE);
    expect(signEd25519(data, first.privateKey).equals(before)).toBe(true);
    expect(verifyEd25519(data, before, first.publicKey)).toBe(true);
    // Another key's signature never verifies with a cached key.
    expect(verifyEd25519(data, before, generateSigningKeyPair().publicKey)).toBe(false);
  });
});
