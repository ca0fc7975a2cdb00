import { elementSources, memberSource, RawJson, rawJson } from "@/lib/webhooks/raw-json";
import { serializeEnvelope } from "@/lib/webhooks/events";
import { WebhookValidationError } from "@/lib/webhooks/errors";

describe("memberSource", () => {
  it("returns the exact bytes of a top-level member, nested values included", () => {
    const text = `{ "event" : "a.b", "data" : {"id": 9223372036854775807, "amount": 1.50, "s": "} ] \\" {", "list": [1e3, {"x": null}]} , "z": true }`;
    expect(memberSource(text, "data")).toBe(`{"id": 9223372036854775807, "amount": 1.50, "s": "} ] \\" {", "list": [1e3, {"x": null}]}`);
    expect(memberSource(text, "event")).toBe(`"a.b"`);
    expect(memberSource(text, "z")).toBe("true");
  });

  it("reads scalars, finds escaped names, takes the last of repeated names like JSON.parse", () => {
    expect(memberSource(`{"data":-0.10e+2}`, "data")).toBe("-0.10e+2");
    expect(memberSource(`{"d\\u0061ta":[]}`, "data")).toBe("[]");
    expect(memberSource(`{"data":1,"data":"second"}`, "data")).toBe(`"second"`);
    expect(memberSource(`{"nested":{"data":1}}`, "data")).toBeUndefined();
    expect(memberSource(`[{"data":1}]`, "data")).toBeUndefined();
    expect(memberSource(`{}`, "data")).toBeUndefined();
  });
});

describe("elementSources", () => {
  it("returns the exact bytes of each element, in order, whatever they hold", () => {
    const text = ` [ {"data": 9223372036854775807} ,"s ] , [ \\\" {",1.50, -0.0e-1 ,[[], {}], {"a": [1, {"b": "]"}]}, null,true ,false ]\n`;
    expect(elementSources(text)).toEqual([`{"data": 9223372036854775807}`, `"s ] , [ \\\" {"`, "1.50", "-0.0e-1", "[[], {}]", `{"a": [1, {"b": "]"}]}`, "null", "true", "false"]);
    // Each element is exactly what JSON.parse saw there.
    expect(elementSources(text)!.map((element) => JSON.parse(element))).toEqual(JSON.parse(text));
  });

  test.each([
    ["[]", []],
    [" [ \n ] ", []],
    ["[1]", ["1"]],
    [`[""]`, [`""`]],
    [`{"items":[]}`, undefined],
    [`"[1,2]"`, undefined],
    ["12", undefined],
  ])("%p → %p", (text, expected) => {
    expect(elementSources(text)).toEqual(expected);
  });

  it("finds each item's data in a batch body, byte for byte", () => {
    const body = `{"items":[{"event":"a.b","data":{"n":9223372036854775807}},{"data":1.50,"event":"a.c"},{"event":"a.d"}],"items2":[]}`;
    const items = elementSources(memberSource(body, "items")!)!;
    expect(items.map((item) => memberSource(item, "data"))).toEqual([`{"n":9223372036854775807}`, "1.50", undefined]);
  });
});

describe("RawJson", () => {
  it("refuses text that is not one JSON value, with a typed error", () => {
    for (const text of ["", "{", "{'a':1}", "1 2", "NaN"]) {
      expect(() => rawJson(text)).toThrow(WebhookValidationError);
      expect(() => rawJson(text)).toThrow(/not valid JSON/);
    }
  });

  it("is embedded verbatim as the envelope's data, after the same keys in the same order", () => {
    const data = `{"id":9223372036854775807,"price":1.50,"b":1,"a":2}`;
    const body = serializeEnvelope({ event: "invoice.paid", idempotencyKey: "k\"1", timestamp: "2026-12-02T10:00:00.000Z", data: rawJson(`  ${data}\n`) });
    expect(body).toBe(`{"event":"invoice.paid","idempotencyKey":"k\\"1","timestamp":"2026-12-02T10:00:00.000Z","data":${data}}`);
    expect(JSON.parse(body).data.price).toBe(1.5);
    // The same envelope built from a value: identical apart from what re-serialising changes.
    expect(serializeEnvelope({ event: "invoice.paid", idempotencyKey: "k", timestamp: "t", data: rawJson(`{"a":1}`) })).toBe(
      serializeEnvelope({ event: "invoice.paid", idempotencyKey: "k", timestamp: "t", data: { a: 1 } }),
    );
  });

  it("counts toward the payload cap", () => {
    const big = rawJson(JSON.stringify("x".repeat(300 * 1024)));
    expect(() => serializeEnvelope({ event: "a.b", idempotencyKey: "k", timestamp: "t", data: big })).toThrow(expect.objectContaining({ code: "payload_too_large" }));
    expect(big).toBeInstanceOf(RawJson);
  });
});
