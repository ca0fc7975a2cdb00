import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { SecretError, WebhookError } from "@/lib/webhooks/errors";
import {
  decryptSecret,
  encryptSecret,
  encryptedWithKeyId,
  generateKeyRingEntry,
  generateSecret,
  isValidSecret,
  loadKeyRing,
  needsReencryption,
  parseKeyRing,
  type KeyRing,
} from "@/lib/webhooks/secrets";

/** 0, 1, 2, … n-1: a recognisable "random" source. */
const countingRandom = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i));
/** Independently computed: `python3 -c "import base64;print(base64.b64encode(bytes(range(32))).decode())"`. */
const COUNTING_32_BASE64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

const KEY_A = Buffer.alloc(32, 0xa1).toString("base64");
const KEY_B = Buffer.alloc(32, 0xb2).toString("base64");
const ENDPOINT = "ep_01jendpointone";
const OTHER_ENDPOINT = "ep_01jendpointtwo";
const PLAINTEXT = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function makeRing(value = `primary:${KEY_A}`): KeyRing {
  return parseKeyRing(value);
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** Applies `change` to the decoded nonce ‖ ciphertext ‖ tag of a stored value. */
function editSealed(stored: string, change: (sealed: Buffer) => Buffer): string {
  const [version, keyId, data] = stored.split(".");
  return `${version}.${keyId}.${change(Buffer.from(data ?? "", "base64url")).toString("base64url")}`;
}

function flipByte(at: (length: number) => number) {
  return (sealed: Buffer) => {
    const copy = Buffer.from(sealed);
    const index = at(copy.length);
    copy[index] = (copy[index] ?? 0) ^ 0x01;
    return copy;
  };
}

function expectDecryptionFailed(fn: () => unknown): SecretError {
  const error = caught(fn);
  expect(error).toBeInstanceOf(SecretError);
  expect(error).toMatchObject({ code: "decryption_failed" });
  const { message } = error as SecretError;
  for (const secret of [PLAINTEXT, KEY_A, KEY_B]) expect(message).not.toContain(secret);
  return error as SecretError;
}

describe("generateSecret", () => {
  it("is whsec_ + standard base64 of 32 bytes from the random source", () => {
    const random = jest.fn(countingRandom);
    expect(generateSecret(random)).toBe(`whsec_${COUNTING_32_BASE64}`);
    expect(random).toHaveBeenCalledWith(32);
  });

  it("uses real randomness by default, in a shape standardwebhooks accepts", () => {
    const [first, second] = [generateSecret(), generateSecret()];
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(first).not.toBe(second);
    expect(isValidSecret(first)).toBe(true);
    expect(() => new Webhook(first)).not.toThrow();
  });

  it("refuses a random source that returns the wrong number of bytes", () => {
    expect(caught(() => generateSecret(() => Buffer.alloc(16)))).toMatchObject({ code: "invalid_input" });
  });
});

describe("isValidSecret", () => {
  test.each([
    [`whsec_${COUNTING_32_BASE64}`, true],
    ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true], // 24 bytes: the minimum
    [`whsec_${Buffer.alloc(64, 1).toString("base64")}`, true],
    [`whsec_${Buffer.alloc(23, 1).toString("base64")}`, false],
    [COUNTING_32_BASE64, false],
    [`WHSEC_${COUNTING_32_BASE64}`, false],
    [`whsec_${COUNTING_32_BASE64.slice(0, -1)}`, false], // padding removed
    [`whsec_${COUNTING_32_BASE64} `, false],
    [`whsec_${Buffer.alloc(32, 0xff).toString("base64url")}`, false], // base64url alphabet
    ["whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=", false], // non-canonical last digit
    ["whsec_", false],
    ["", false],
  ])("%j → %s", (secret, expected) => {
    expect(isValidSecret(secret)).toBe(expected);
  });
});

describe("encryptSecret / decryptSecret", () => {
  test.each([PLAINTEXT, "", "café ☕ — ünïcödé", "x".repeat(10_000)])("round-trips %#", (plaintext) => {
    const ring = makeRing();
    expect(decryptSecret(encryptSecret(plaintext, ENDPOINT, ring), ENDPOINT, ring)).toBe(plaintext);
  });

  it("writes v1.<keyId>.<base64url(nonce ‖ ciphertext ‖ tag)> with the endpoint id as AAD", () => {
    const ring = makeRing();
    const random = jest.fn(countingRandom);
    const stored = encryptSecret(PLAINTEXT, ENDPOINT, ring, random);
    expect(random).toHaveBeenCalledWith(12);
    expect(stored).toMatch(/^v1\.primary\.[A-Za-z0-9_-]+$/);

    // Open it with node:crypto directly, to pin the layout other tools may rely on.
    const sealed = Buffer.from(stored.split(".")[2] ?? "", "base64url");
    expect(sealed).toHaveLength(12 + Buffer.byteLength(PLAINTEXT) + 16);
    expect(sealed.subarray(0, 12)).toEqual(countingRandom(12));
    const decipher = crypto.createDecipheriv("aes-256-gcm", Buffer.from(KEY_A, "base64"), sealed.subarray(0, 12), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(ENDPOINT));
    decipher.setAuthTag(sealed.subarray(-16));
    expect(Buffer.concat([decipher.update(sealed.subarray(12, -16)), decipher.final()]).toString()).toBe(PLAINTEXT);
  });

  it("uses a fresh nonce every time", () => {
    const ring = makeRing();
    const [first, second] = [encryptSecret(PLAINTEXT, ENDPOINT, ring), encryptSecret(PLAINTEXT, ENDPOINT, ring)];
    expect(first).not.toBe(second);
    const nonce = (stored: string) => Buffer.from(stored.split(".")[2] ?? "", "base64url").subarray(0, 12);
    expect(nonce(first).equals(nonce(second))).toBe(false);
  });

  it("does not put the plaintext or key in the output", () => {
    const stored = encryptSecret(PLAINTEXT, ENDPOINT, makeRing());
    expect(stored).not.toContain(PLAINTEXT.slice(6));
    expect(stored).not.toContain(Buffer.from(PLAINTEXT).toString("base64url").slice(0, 16));
    expect(stored).not.toContain(KEY_A.slice(0, 16));
  });

  test.each([
    ["the nonce", flipByte(() => 0)],
    ["the ciphertext", flipByte(() => 12)],
    ["the tag", flipByte((length) => length - 1)],
    ["a truncated tag (15 bytes)", (sealed: Buffer) => sealed.subarray(0, -1)],
    ["a 12-byte tag (GCM's shortest allowed)", (sealed: Buffer) => sealed.subarray(0, -4)],
    ["a missing tag", (sealed: Buffer) => sealed.subarray(0, -16)],
    ["nothing but a nonce", (sealed: Buffer) => sealed.subarray(0, 12)],
    ["an extra byte", (sealed: Buffer) => Buffer.concat([sealed, Buffer.from([0])])],
  ])("detects tampering with %s", (_label, change) => {
    const ring = makeRing();
    const stored = encryptSecret(PLAINTEXT, ENDPOINT, ring);
    expect(decryptSecret(stored, ENDPOINT, ring)).toBe(PLAINTEXT);
    expectDecryptionFailed(() => decryptSecret(editSealed(stored, change), ENDPOINT, ring));
  });

  it("fails for another endpoint's id (a row copied between endpoints)", () => {
    const ring = makeRing();
    const stored = encryptSecret(PLAINTEXT, ENDPOINT, ring);
    expectDecryptionFailed(() => decryptSecret(stored, OTHER_ENDPOINT, ring));
    expectDecryptionFailed(() => decryptSecret(stored, "", ring));
  });

  it("fails for a key id the ring does not hold, naming only the id", () => {
    const stored = encryptSecret(PLAINTEXT, ENDPOINT, makeRing(`retired:${KEY_A}`));
    const error = expectDecryptionFailed(() => decryptSecret(stored, ENDPOINT, makeRing(`primary:${KEY_A}`)));
    expect(error.message).toContain('"retired"');
  });

  it("fails when the key id is swapped for another key in the ring", () => {
    const ring = makeRing(`a:${KEY_A},b:${KEY_B}`);
    const stored = encryptSecret(PLAINTEXT, ENDPOINT, ring);
    expectDecryptionFailed(() => decryptSecret(stored.replace(/^v1\.a\./, "v1.b."), ENDPOINT, ring));
  });

  test.each([
    ["an empty string", ""],
    ["another version", "v2.primary.AAAA"],
    ["no data part", "v1.primary"],
    ["an empty key id", "v1..AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["standard base64 characters", "v1.primary.AAAA+/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["padding", "v1.primary.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="],
    ["a non-canonical base64url tail", "v1.primary.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"],
    ["a plaintext secret", PLAINTEXT],
    ["a non-string", 42 as unknown as string],
  ])("rejects %s as malformed", (_label, stored) => {
    expectDecryptionFailed(() => decryptSecret(stored, ENDPOINT, makeRing()));
  });

  it("refuses an empty associatedData when encrypting", () => {
    expect(caught(() => encryptSecret(PLAINTEXT, "", makeRing()))).toMatchObject({ code: "invalid_input" });
  });
});

describe("key rotation", () => {
  it("decrypts values under old and new keys and encrypts with the primary", () => {
    const oldRing = makeRing(`old:${KEY_A}`);
    const underOld = encryptSecret(PLAINTEXT, ENDPOINT, oldRing);
    const rotated = makeRing(`new:${KEY_B},old:${KEY_A}`);
    const underNew = encryptSecret(PLAINTEXT, ENDPOINT, rotated);

    expect(encryptedWithKeyId(underOld)).toBe("old");
    expect(encryptedWithKeyId(underNew)).toBe("new");
    expect(decryptSecret(underOld, ENDPOINT, rotated)).toBe(PLAINTEXT);
    expect(decryptSecret(underNew, ENDPOINT, rotated)).toBe(PLAINTEXT);
    // A server still on the old configuration cannot read the new value.
    expectDecryptionFailed(() => decryptSecret(underNew, ENDPOINT, oldRing));
  });

  it("marks for re-encryption everything not under the primary key", () => {
    const rotated = makeRing(`new:${KEY_B},old:${KEY_A}`);
    const underOld = encryptSecret(PLAINTEXT, ENDPOINT, makeRing(`old:${KEY_A}`));
    const underNew = encryptSecret(PLAINTEXT, ENDPOINT, rotated);
    expect(needsReencryption(underOld, rotated)).toBe(true);
    expect(needsReencryption(underNew, rotated)).toBe(false);
    expect(needsReencryption(PLAINTEXT, rotated)).toBe(true);
    expect(needsReencryption(encryptSecret(PLAINTEXT, ENDPOINT, rotated), makeRing(`old:${KEY_A},new:${KEY_B}`))).toBe(true);
  });

  test.each([
    ["v1.local.AAAA", "local"],
    ["v1.a-b_C9.AAAA", "a-b_C9"],
    ["v2.local.AAAA", undefined],
    ["v1.local", undefined],
    [PLAINTEXT, undefined],
    ["", undefined],
  ])("encryptedWithKeyId(%j) → %j", (stored, expected) => {
    expect(encryptedWithKeyId(stored)).toBe(expected);
  });
});

describe("parseKeyRing", () => {
  it("makes the first entry primary and lets every entry decrypt", () => {
    const ring = parseKeyRing(` new:${KEY_B} , old:${KEY_A}`);
    expect(ring.primary.id).toBe("new");
    expect(ring.primary.key.equals(Buffer.from(KEY_B, "base64"))).toBe(true);
    expect([...ring.keys.keys()]).toEqual(["new", "old"]);
    expect(ring.keys.get("old")?.key.equals(Buffer.from(KEY_A, "base64"))).toBe(true);
  });

  const short = Buffer.alloc(16, 1).toString("base64");
  const long = Buffer.alloc(33, 1).toString("base64");
  test.each([
    ["empty", "", /WEBHOOK_ENCRYPTION_KEYS is empty/],
    ["blank", "  ", /WEBHOOK_ENCRYPTION_KEYS is empty/],
    ["a bare key without an id", KEY_A, /entry 1 has no ":"/],
    ["an empty id", `:${KEY_A}`, /entry 1 has an invalid key id/],
    ["an id with a dot", `v1.key:${KEY_A}`, /entry 1 has an invalid key id/],
    ["an id of 33 characters", `${"k".repeat(33)}:${KEY_A}`, /entry 1 has an invalid key id/],
    ["a 16-byte key", `a:${short}`, /entry 1 \(key id "a"\) decodes to 16 bytes, not 32/],
    ["a 33-byte key", `a:${long}`, /decodes to 33 bytes/],
    ["a hex key", `a:${"ab".repeat(32)}`, /decodes to 48 bytes/],
    ["junk in the key", `a:${KEY_A.slice(0, 10)}!${KEY_A.slice(11)}`, /entry 1 \(key id "a"\) is not valid standard base64/],
    ["a base64url key", `a:${Buffer.alloc(32, 0xff).toString("base64url")}`, /not valid standard base64/],
    ["a duplicate id", `a:${KEY_A},a:${KEY_B}`, /entry 2 repeats key id "a"/],
    ["a trailing comma", `a:${KEY_A},`, /entry 2 is empty/],
  ])("rejects %s with a message naming the variable", (_label, value, message) => {
    const error = caught(() => parseKeyRing(value));
    expect(error).toBeInstanceOf(SecretError);
    expect(error).toMatchObject({ code: "encryption_key_missing", message: expect.stringContaining("WEBHOOK_ENCRYPTION_KEYS") });
    expect((error as Error).message).toMatch(message);
    for (const material of [KEY_A, KEY_B, short, long, KEY_A.slice(0, 10)]) expect((error as Error).message).not.toContain(material);
  });
});

describe("generateKeyRingEntry", () => {
  it("makes an id:base64 entry that parseKeyRing accepts, fresh every time", () => {
    const entry = generateKeyRingEntry("2025-06");
    expect(entry).toMatch(/^2025-06:[A-Za-z0-9+/]{43}=$/);
    expect(parseKeyRing(entry).primary.id).toBe("2025-06");
    expect(generateKeyRingEntry("2025-06")).not.toBe(entry);
  });

  test.each(["", "has space", "dot.ted", "k".repeat(33)])("refuses the id %j", (id) => {
    const error = caught(() => generateKeyRingEntry(id));
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toMatchObject({ code: "invalid_input" });
  });
});

describe("loadKeyRing", () => {
  let tempDir: string;
  beforeEach(() => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "webhook-keys-"));
  });
  afterEach(() => {
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  test.each([undefined, "", "   "])("throws in production when WEBHOOK_ENCRYPTION_KEYS is %j", (keys) => {
    const error = caught(() => loadKeyRing({ keys, production: true, dataDir: tempDir }));
    expect(error).toBeInstanceOf(SecretError);
    expect(error).toMatchObject({ code: "encryption_key_missing", message: expect.stringMatching(/^WEBHOOK_ENCRYPTION_KEYS must be set in production/) });
    expect(fs.readdirSync(tempDir)).toEqual([]);
  });

  test.each([true, false])("uses the configured keys (production=%s) and writes nothing", (production) => {
    const ring = loadKeyRing({ keys: `k2:${KEY_B},k1:${KEY_A}`, production, dataDir: tempDir });
    expect(ring.primary.id).toBe("k2");
    expect([...ring.keys.keys()]).toEqual(["k2", "k1"]);
    expect(fs.readdirSync(tempDir)).toEqual([]);
  });

  it("rejects configured keys that are malformed", () => {
    expect(caught(() => loadKeyRing({ keys: "nope", production: false, dataDir: tempDir }))).toMatchObject({ code: "encryption_key_missing" });
  });

  it("creates <dataDir>/encryption-key once (0600) and reads the same key afterwards", () => {
    const dataDir = path.join(tempDir, "nested", "data");
    const file = path.join(dataDir, "encryption-key");
    const first = loadKeyRing({ production: false, dataDir });

    expect(first.primary.id).toBe("local");
    expect(first.primary.key).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const contents = fs.readFileSync(file, "utf8");
    expect(contents).toMatch(/^local:[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(contents.trim().slice("local:".length), "base64").equals(first.primary.key)).toBe(true);
    expect(fs.readdirSync(dataDir)).toEqual(["encryption-key"]); // no temporary file left behind

    const second = loadKeyRing({ production: false, dataDir });
    expect(second.primary.key.equals(first.primary.key)).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe(contents);
    expect(decryptSecret(encryptSecret(PLAINTEXT, ENDPOINT, first), ENDPOINT, second)).toBe(PLAINTEXT);
  });

  it("reports a damaged key file by path, without its contents", () => {
    fs.writeFileSync(path.join(tempDir, "encryption-key"), `local:${KEY_A.slice(0, 20)}\n`);
    const error = caught(() => loadKeyRing({ production: false, dataDir: tempDir }));
    expect(error).toMatchObject({ code: "encryption_key_missing", message: expect.stringContaining(path.join(tempDir, "encryption-key")) });
    expect((error as Error).message).not.toContain(KEY_A.slice(0, 20));
  });

  it("gives memory:// a working ephemeral ring and writes no file", () => {
    const ring = loadKeyRing({ production: false, dataDir: "memory://" });
    const other = loadKeyRing({ production: false, dataDir: "memory://" });
    expect(ring.primary.key).toHaveLength(32);
    expect(ring.keys.get(ring.primary.id)).toBe(ring.primary);
    expect(decryptSecret(encryptSecret(PLAINTEXT, ENDPOINT, ring), ENDPOINT, ring)).toBe(PLAINTEXT);
    expect(other.primary.key.equals(ring.primary.key)).toBe(false);
    // path.join("memory://", …) would be the relative folder "memory:".
    expect(fs.existsSync(path.resolve("memory:"))).toBe(false);
  });
});
