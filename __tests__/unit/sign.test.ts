import crypto from "node:crypto";
import os from "node:os";
import { Webhook } from "standardwebhooks";
import { WebhookError } from "@/lib/webhooks/errors";
import { generateSecret } from "@/lib/webhooks/secrets";
import {
  USER_AGENT,
  buildWebhookHeaders,
  generateHmacSignature,
  signStandardWebhook,
  verifyStandardWebhookSignature,
  verifyWebhookSignature,
  type WebhookHeadersInput,
} from "@/lib/webhooks/sign";

// Expected values come from outside the code under test: RFC 4231, the Wikipedia HMAC example,
// the Standard Webhooks spec, and `printf '%s' BODY | openssl dgst -sha256 -hmac KEY`.
const FOX = "The quick brown fox jumps over the lazy dog";
const FOX_HMAC = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

const SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SPEC_MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
/** openssl: hex HMAC of SPEC_BODY keyed with the whole "whsec_…" string. */
const SPEC_BODY_HEX_HMAC = "80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c";

const HOUR_MS = 60 * 60 * 1000;

function makeHeadersInput(overrides: Partial<WebhookHeadersInput> = {}): WebhookHeadersInput {
  return {
    messageId: "msg_01jtestmessage",
    eventType: "invoice.paid",
    eventTimestamp: "2025-01-02T03:04:05.000Z",
    body: JSON.stringify({ type: "invoice.paid", data: { id: "inv_1", amount: 4200, note: "café" } }),
    secrets: [generateSecret()],
    attemptAt: new Date(),
    ...overrides,
  };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("generateHmacSignature", () => {
  test.each([
    [FOX, "key", FOX_HMAC],
    ["what do ya want for nothing?", "Jefe", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"],
    ['{"event":"ping","n":1}', "key", "8cb2167b2b60c129add770e2677a6514a44189246ebcbd26032f1c995c1077bd"],
    ["café ☕", "clé", "ed84c566a97fee894d97ec4820a2e3ee72b7e3b75d5227889a472202bb5000d6"],
    [SPEC_BODY, SPEC_SECRET, SPEC_BODY_HEX_HMAC],
  ])("string %j with key %j signs as the published value", (payload, secret, expected) => {
    expect(generateHmacSignature(payload, secret)).toBe(expected);
  });

  it("signs a non-string payload as its JSON.stringify form", () => {
    expect(generateHmacSignature({ event: "ping", n: 1 }, "key")).toBe("8cb2167b2b60c129add770e2677a6514a44189246ebcbd26032f1c995c1077bd");
  });

  it("signs a string as-is, without re-serialising it", () => {
    // Same JSON value, different bytes: the signature follows the bytes.
    expect(generateHmacSignature('{"event": "ping", "n": 1}', "key")).toBe("50a5b3b7622be2241852898f86d684059c12c852520f0b8faa336c096fc884d7");
    expect(generateHmacSignature(FOX, "key")).not.toBe(generateHmacSignature(JSON.stringify(FOX), "key"));
  });

  it("is deterministic lowercase hex of 64 characters", () => {
    const payload = { b: [1, 2, 3], a: "x" };
    const first = generateHmacSignature(payload, "s3cret");
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(generateHmacSignature(payload, "s3cret")).toBe(first);
    expect(generateHmacSignature(payload, "s3cret!")).not.toBe(first);
  });

  it.each([
    ["a BigInt", { n: 1n }],
    ["a cycle", (() => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      return cyclic;
    })()],
    ["undefined", undefined],
  ])("throws invalid_payload for %s", (_label, payload) => {
    expect(caught(() => generateHmacSignature(payload, "key"))).toMatchObject({ name: "WebhookError", code: "invalid_payload" });
  });
});

describe("verifyWebhookSignature", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;

  test.each<[string, unknown, unknown, string, boolean]>([
    ["the right signature", FOX, FOX_HMAC, "key", true],
    ["upper-case hex of the right signature (same bytes)", FOX, FOX_HMAC.toUpperCase(), "key", true],
    ["a JSON payload against its stringified signature", { event: "ping", n: 1 }, "8cb2167b2b60c129add770e2677a6514a44189246ebcbd26032f1c995c1077bd", "key", true],
    ["the wrong secret", FOX, FOX_HMAC, "kex", false],
    ["a changed payload", `${FOX}.`, FOX_HMAC, "key", false],
    ["one flipped hex digit", FOX, `${FOX_HMAC.slice(0, -1)}9`, "key", false],
    ["a truncated signature (63 chars)", FOX, FOX_HMAC.slice(0, -1), "key", false],
    ["a truncated signature (62 chars, whole bytes)", FOX, FOX_HMAC.slice(0, -2), "key", false],
    ["65 characters", FOX, `${FOX_HMAC}0`, "key", false],
    ["66 characters", FOX, `${FOX_HMAC}00`, "key", false],
    ["an empty signature", FOX, "", "key", false],
    ["non-hex characters", FOX, "z".repeat(64), "key", false],
    ["a trailing newline", FOX, `${FOX_HMAC}\n`, "key", false],
    ["a sha256= prefix", FOX, `sha256=${FOX_HMAC}`, "key", false],
    ["a number", FOX, 42, "key", false],
    ["undefined", FOX, undefined, "key", false],
    ["null", FOX, null, "key", false],
    ["the raw digest bytes", FOX, Buffer.from(FOX_HMAC, "hex"), "key", false],
    ["a BigInt payload", { n: 1n }, FOX_HMAC, "key", false],
    ["a cyclic payload", cyclic, FOX_HMAC, "key", false],
  ])("%s → %s", (_label, payload, signature, secret, expected) => {
    expect(verifyWebhookSignature(payload, signature as string, secret)).toBe(expected);
  });

  it("compares the 32 digest bytes with crypto.timingSafeEqual", () => {
    const spy = jest.spyOn(crypto, "timingSafeEqual");
    try {
      expect(verifyWebhookSignature(FOX, FOX_HMAC, "key")).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("signStandardWebhook", () => {
  it("matches the Standard Webhooks spec vector", () => {
    expect(signStandardWebhook({ messageId: SPEC_MESSAGE_ID, timestamp: SPEC_TIMESTAMP, body: SPEC_BODY, secrets: [SPEC_SECRET] })).toBe(SPEC_SIGNATURE);
  });

  it("signs once per secret, in order, separated by single spaces", () => {
    const other = generateSecret();
    const base = { messageId: SPEC_MESSAGE_ID, timestamp: SPEC_TIMESTAMP, body: SPEC_BODY };
    const otherOnly = signStandardWebhook({ ...base, secrets: [other] });
    expect(otherOnly).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(signStandardWebhook({ ...base, secrets: [SPEC_SECRET, other] })).toBe(`${SPEC_SIGNATURE} ${otherOnly}`);
    expect(signStandardWebhook({ ...base, secrets: [other, SPEC_SECRET] })).toBe(`${otherOnly} ${SPEC_SIGNATURE}`);
  });

  it.each([
    ["the message id", { messageId: "msg_other" }],
    ["the timestamp", { timestamp: SPEC_TIMESTAMP + 1 }],
    ["the body", { body: '{"test":2432232314}' }],
  ])("changes when %s changes", (_label, change) => {
    const input = { messageId: SPEC_MESSAGE_ID, timestamp: SPEC_TIMESTAMP, body: SPEC_BODY, secrets: [SPEC_SECRET], ...change };
    expect(signStandardWebhook(input)).not.toBe(SPEC_SIGNATURE);
  });

  const tooShort = `whsec_${Buffer.alloc(16, 7).toString("base64")}`;
  test.each([
    ["no secrets", []],
    ["a secret without the whsec_ prefix", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]],
    ["an empty secret", [""]],
    ["a bare prefix", ["whsec_"]],
    ["non-base64 characters", ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La!aSw"]],
    ["base64url characters", ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La-_Sw"]],
    ["missing padding", ["whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"]],
    ["a 16-byte key", [tooShort]],
    ["one bad secret among good ones", [SPEC_SECRET, "whsec_nope"]],
  ])("throws invalid_input for %s", (_label, secrets) => {
    const error = caught(() => signStandardWebhook({ messageId: SPEC_MESSAGE_ID, timestamp: SPEC_TIMESTAMP, body: SPEC_BODY, secrets }));
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toMatchObject({ code: "invalid_input" });
    for (const secret of secrets) if (secret.length > 6) expect((error as Error).message).not.toContain(secret);
  });

  test.each([
    ["a fractional timestamp", { timestamp: 1.5 }],
    ["a NaN timestamp", { timestamp: Number.NaN }],
    ["a negative timestamp", { timestamp: -1 }],
    ["an empty message id", { messageId: "" }],
  ])("throws invalid_input for %s", (_label, change) => {
    const input = { messageId: SPEC_MESSAGE_ID, timestamp: SPEC_TIMESTAMP, body: SPEC_BODY, secrets: [SPEC_SECRET], ...change };
    expect(caught(() => signStandardWebhook(input))).toMatchObject({ code: "invalid_input" });
  });
});

describe("buildWebhookHeaders", () => {
  it("builds every header for the spec vector", () => {
    const headers = buildWebhookHeaders({
      messageId: SPEC_MESSAGE_ID,
      eventType: "test.event",
      eventTimestamp: "2021-02-26T15:02:10.000Z",
      body: SPEC_BODY,
      secrets: [SPEC_SECRET],
      attemptAt: new Date(SPEC_TIMESTAMP * 1000 + 999),
    });
    expect(headers).toEqual({
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      "x-webhook-event": "test.event",
      "x-webhook-timestamp": "2021-02-26T15:02:10.000Z",
      "x-webhook-signature": SPEC_BODY_HEX_HMAC,
      "webhook-id": SPEC_MESSAGE_ID,
      "webhook-timestamp": String(SPEC_TIMESTAMP),
      "webhook-signature": SPEC_SIGNATURE,
    });
  });

  it("names the product in the user agent and nothing about the machine", () => {
    expect(USER_AGENT).toMatch(/^Webhooks\/\d/);
    for (const detail of [os.hostname(), process.version, os.platform(), "Node"]) expect(USER_AGENT).not.toContain(detail);
  });

  it("signs the classic header with the newest secret only", () => {
    const input = makeHeadersInput({ secrets: [generateSecret(), generateSecret()] });
    const [newest = "", older = ""] = input.secrets;
    const signature = buildWebhookHeaders(input)["x-webhook-signature"] ?? "";
    expect(verifyWebhookSignature(input.body, signature, newest)).toBe(true);
    expect(verifyWebhookSignature(input.body, signature, older)).toBe(false);
  });

  it("is verified by the standardwebhooks library, which returns the parsed body", () => {
    const input = makeHeadersInput();
    const headers = buildWebhookHeaders(input);
    expect(new Webhook(input.secrets[0] ?? "").verify(input.body, headers)).toEqual(JSON.parse(input.body));
  });

  it("lets a receiver holding either secret verify during a rotation, and no one else", () => {
    const [newSecret, oldSecret, stranger] = [generateSecret(), generateSecret(), generateSecret()];
    const input = makeHeadersInput({ secrets: [newSecret, oldSecret] });
    const headers = buildWebhookHeaders(input);
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(() => new Webhook(newSecret).verify(input.body, headers)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(input.body, headers)).not.toThrow();
    expect(() => new Webhook(stranger).verify(input.body, headers)).toThrow(/No matching signature/);
  });

  it.each([
    ["a changed character", (body: string) => body.replace("4200", "4201")],
    ["re-serialised JSON", (body: string) => JSON.stringify(JSON.parse(body), null, 1)],
    ["a trailing newline", (body: string) => `${body}\n`],
  ])("fails verification for a body with %s", (_label, tamper) => {
    const input = makeHeadersInput();
    const headers = buildWebhookHeaders(input);
    const tampered = tamper(input.body);
    expect(tampered).not.toBe(input.body);
    expect(() => new Webhook(input.secrets[0] ?? "").verify(tampered, headers)).toThrow(/No matching signature/);
    expect(verifyWebhookSignature(tampered, headers["x-webhook-signature"] ?? "", input.secrets[0] ?? "")).toBe(false);
  });

  it("gives a retry hours later the same webhook-id but a fresh timestamp and signature", () => {
    const now = new Date();
    const first = makeHeadersInput({ attemptAt: new Date(now.getTime() - 3 * HOUR_MS) });
    const firstHeaders = buildWebhookHeaders(first);
    const retryHeaders = buildWebhookHeaders({ ...first, attemptAt: now });
    const receiver = new Webhook(first.secrets[0] ?? "");

    expect(retryHeaders["webhook-id"]).toBe(firstHeaders["webhook-id"]);
    expect(Number(retryHeaders["webhook-timestamp"]) - Number(firstHeaders["webhook-timestamp"])).toBe(3 * 60 * 60);
    expect(retryHeaders["webhook-signature"]).not.toBe(firstHeaders["webhook-signature"]);
    // The event's own time and the body-only signature do not change between attempts.
    expect(retryHeaders["x-webhook-timestamp"]).toBe(firstHeaders["x-webhook-timestamp"]);
    expect(retryHeaders["x-webhook-signature"]).toBe(firstHeaders["x-webhook-signature"]);

    expect(() => receiver.verify(first.body, retryHeaders)).not.toThrow();
    // Why the timestamp must be fresh: the first attempt's headers are now outside the window.
    expect(() => receiver.verify(first.body, firstHeaders)).toThrow(/too old/);
  });

  test.each([
    ["no secrets", { secrets: [] }],
    ["an invalid secret", { secrets: ["not-a-secret"] }],
    ["an invalid attempt date", { attemptAt: new Date(Number.NaN) }],
  ])("throws invalid_input for %s", (_label, change) => {
    expect(caught(() => buildWebhookHeaders(makeHeadersInput(change)))).toMatchObject({ code: "invalid_input" });
  });
});

describe("verifyStandardWebhookSignature", () => {
  const spec = { messageId: SPEC_MESSAGE_ID, timestamp: String(SPEC_TIMESTAMP), body: SPEC_BODY, signature: SPEC_SIGNATURE, secret: SPEC_SECRET };

  it("accepts the Standard Webhooks spec vector", () => {
    expect(verifyStandardWebhookSignature(spec)).toBe(true);
  });

  it("accepts a header with several entries when any one matches (a rotation)", () => {
    const other = signStandardWebhook({ messageId: SPEC_MESSAGE_ID, timestamp: SPEC_TIMESTAMP, body: SPEC_BODY, secrets: [generateSecret()] });
    expect(verifyStandardWebhookSignature({ ...spec, signature: `${other} ${SPEC_SIGNATURE}` })).toBe(true);
    expect(verifyStandardWebhookSignature({ ...spec, signature: `${SPEC_SIGNATURE} ${other}` })).toBe(true);
  });

  test.each([
    ["another secret", { secret: generateSecret() }],
    ["a changed body", { body: '{"test": 2432232315}' }],
    ["re-serialised JSON", { body: '{"test":2432232314}' }],
    ["another message id", { messageId: "msg_other" }],
    ["another timestamp", { timestamp: String(SPEC_TIMESTAMP + 1) }],
    ["a non-numeric timestamp", { timestamp: "1614265330.0" }],
    ["an empty timestamp", { timestamp: "" }],
    ["an empty message id", { messageId: "" }],
    ["an empty header", { signature: "" }],
    ["another scheme version", { signature: SPEC_SIGNATURE.replace("v1,", "v2,") }],
    ["the signature without its version", { signature: SPEC_SIGNATURE.slice(3) }],
    ["a truncated signature", { signature: SPEC_SIGNATURE.slice(0, -2) }],
    ["junk that a lenient base64 decoder would skip", { signature: SPEC_SIGNATURE.replace("+", "!+") }],
    ["a secret that is not whsec_ base64", { secret: "whsec_nope" }],
    ["a non-string header", { signature: undefined as unknown as string }],
  ])("refuses %s without throwing", (_label, change) => {
    expect(verifyStandardWebhookSignature({ ...spec, ...change })).toBe(false);
  });

  it("agrees with the standardwebhooks library on headers built for a delivery", () => {
    const input = makeHeadersInput();
    const headers = buildWebhookHeaders(input);
    const verdict = (body: string) =>
      verifyStandardWebhookSignature({
        messageId: headers["webhook-id"] ?? "",
        timestamp: headers["webhook-timestamp"] ?? "",
        body,
        signature: headers["webhook-signature"] ?? "",
        secret: input.secrets[0] ?? "",
      });
    const library = (body: string) => {
      try {
        new Webhook(input.secrets[0] ?? "").verify(body, headers);
        return true;
      } catch {
        return false;
      }
    };
    const tampered = input.body.replace("4200", "4201");
    expect([verdict(input.body), library(input.body)]).toEqual([true, true]);
    expect([verdict(tampered), library(tampered)]).toEqual([false, false]);
  });
});
