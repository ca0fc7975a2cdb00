import { WebhookValidationError } from "@/lib/webhooks/errors";
import {
  applyHeaderChanges,
  ENDPOINT_HEADERS_MAX,
  HEADER_VALUE_MASK,
  maskCustomHeaders,
  normaliseHeaders,
  openHeaders,
  resealHeaders,
  sealHeaders,
} from "@/lib/webhooks/endpoint-headers";
import { SecretError } from "@/lib/webhooks/errors";
import { generateKeyRingEntry, parseKeyRing } from "@/lib/webhooks/secrets";

/** Custom endpoint headers: what is refused, how changes apply, how they are sealed and masked. */

function refusal(input: unknown): string {
  try {
    normaliseHeaders(input);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).code).toBe("invalid_headers");
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe("custom header names and values", () => {
  it.each([
    ["Host", "set by the platform"],
    ["content-length", "set by the platform"],
    ["Content-Type", "set by the platform"],
    ["User-Agent", "set by the platform"],
    ["Connection", "set by the platform"],
    ["Keep-Alive", "set by the platform"],
    ["Transfer-Encoding", "set by the platform"],
    ["TE", "set by the platform"],
    ["Upgrade", "set by the platform"],
    ["Proxy-Authorization", "set by the platform"],
    ["traceparent", "set by the platform"],
    ["TraceState", "set by the platform"],
    ["webhook-id", "cannot be set"],
    ["Webhook-Signature", "cannot be set"],
    ["X-Webhook-Signature", "cannot be set"],
    ["x-webhook-anything", "cannot be set"],
    ["bad name", "not a valid header name"],
    ["", "not a valid header name"],
    ["Ünïcode", "not a valid header name"],
    ["X:Colon", "not a valid header name"],
  ])("refuses the name %j", (name, message) => {
    expect(refusal({ [name]: "value" })).toContain(message);
  });

  it.each([
    ["a line break (header injection)", "Bearer a\r\nX-Evil: 1"],
    ["a lone line feed", "a\nb"],
    ["a NUL", "a\u0000b"],
    ["an empty value", ""],
    ["leading blanks", " token"],
    ["trailing blanks", "token "],
    ["non-ASCII", "tökén"],
  ])("refuses a value with %s", (_what, value) => {
    expect(refusal({ Authorization: value })).toContain("printable ASCII");
  });

  it("refuses a non-string value, a non-object, duplicates by case, too many and too large", () => {
    expect(refusal({ Authorization: 42 })).toContain("printable ASCII");
    expect(refusal(["Authorization", "x"])).toContain("must be an object");
    expect(refusal(null)).toContain("must be an object");
    expect(refusal({ "X-Tenant": "a", "x-tenant": "b" })).toContain("given twice");
    const many = Object.fromEntries(Array.from({ length: ENDPOINT_HEADERS_MAX + 1 }, (_, i) => [`X-H${i}`, "v"]));
    expect(refusal(many)).toContain(`At most ${ENDPOINT_HEADERS_MAX}`);
    expect(refusal({ "X-A": "a".repeat(2100), "X-B": "b".repeat(2100) })).toContain("at most 4096 bytes");
  });

  it("accepts ordinary headers as given, at the limits", () => {
    const twenty = Object.fromEntries(Array.from({ length: ENDPOINT_HEADERS_MAX }, (_, i) => [`X-H${i}`, "v"]));
    expect(normaliseHeaders(twenty)).toEqual(twenty);
    const headers = { Authorization: "Bearer abc.def-123", "X-Tenant": "acme", "Cookie": "a=b; c=d", "X-Tabbed": "a\tb" };
    expect(normaliseHeaders(headers)).toEqual(headers);
    expect(normaliseHeaders({})).toEqual({});
  });

  it("applies changes by name, case-insensitively, and checks the result", () => {
    const current = { Authorization: "Bearer old", "X-Tenant": "acme" };
    expect(applyHeaderChanges(current, { set: { authorization: "Bearer new" } })).toEqual({ "X-Tenant": "acme", authorization: "Bearer new" });
    expect(applyHeaderChanges(current, { remove: ["x-tenant"] })).toEqual({ Authorization: "Bearer old" });
    expect(applyHeaderChanges(current, { remove: ["X-Missing"] })).toEqual(current);
    expect(() => applyHeaderChanges(current, { set: { Host: "evil" } })).toThrow(WebhookValidationError);
  });
});

describe("sealed and masked", () => {
  const ring = parseKeyRing(generateKeyRingEntry("k1"));
  const headers = { Authorization: "Bearer s3cret-token", "X-Tenant": "acme" };

  it("seals the values for one endpoint only, keeps the names in clear, and opens them again", () => {
    const sealed = sealHeaders(headers, "ep_a", ring);
    expect(sealed.headerNames).toEqual(["Authorization", "X-Tenant"]);
    expect(sealed.headersEncrypted).toMatch(/^v1\.k1\./);
    expect(sealed.headersEncrypted).not.toContain("s3cret");
    expect(openHeaders({ id: "ep_a", headersEncrypted: sealed.headersEncrypted }, ring)).toEqual(headers);
    // Bound to the endpoint, and apart from its signing secret (which is sealed with the bare id).
    expect(() => openHeaders({ id: "ep_b", headersEncrypted: sealed.headersEncrypted }, ring)).toThrow(SecretError);
    expect(sealHeaders({}, "ep_a", ring)).toEqual({ headersEncrypted: null, headerNames: [] });
    expect(openHeaders({ id: "ep_a", headersEncrypted: null }, ring)).toEqual({});
  });

  it("re-seals under a new primary key", () => {
    const sealed = sealHeaders(headers, "ep_a", ring).headersEncrypted!;
    const next = parseKeyRing(generateKeyRingEntry("k2"));
    // k2 first, k1 still configured: what an operator has while rotating keys.
    const both = { primary: next.primary, keys: new Map([...ring.keys, ...next.keys]) };
    const resealed = resealHeaders(sealed, "ep_a", both);
    expect(resealed).toMatch(/^v1\.k2\./);
    expect(openHeaders({ id: "ep_a", headersEncrypted: resealed }, both)).toEqual(headers);
  });

  it("masks the custom values in what a log keeps, whatever their case, and nothing else", () => {
    const sent = { authorization: "Bearer s3cret-token", "X-Tenant": "acme", "webhook-id": "msg_1" };
    expect(maskCustomHeaders(sent, ["Authorization", "X-Tenant"])).toEqual({ authorization: HEADER_VALUE_MASK, "X-Tenant": HEADER_VALUE_MASK, "webhook-id": "msg_1" });
    expect(maskCustomHeaders(sent, [])).toBe(sent);
  });
});
