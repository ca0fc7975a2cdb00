import { TransportError } from "@/lib/webhooks/errors";
import { classify, nextAttemptAt, parseRetryAfter, parseRetrySchedule, RETRY_SCHEDULE_SECONDS } from "@/lib/webhooks/retry-policy";
import type { TransportResponse } from "@/lib/webhooks/transport";

const response = (status: number, headers: Record<string, string> = {}): TransportResponse => ({
  status,
  headers,
  body: "",
  bodyTruncated: false,
  durationMs: 1,
});
const now = new Date("2026-11-28T12:00:00.000Z");

describe("classify", () => {
  test.each<[string, TransportResponse | TransportError, string]>([
    ["200", response(200), "success"],
    ["204", response(204), "success"],
    ["299", response(299), "success"],
    ["301", response(301), "retry"],
    ["302", response(302), "retry"],
    ["400", response(400), "give_up"],
    ["401", response(401), "give_up"],
    ["404", response(404), "give_up"],
    ["408", response(408), "retry"],
    ["409", response(409), "give_up"],
    ["410", response(410), "disable"],
    ["413", response(413), "give_up"],
    ["429", response(429), "retry"],
    ["500", response(500), "retry"],
    ["502", response(502), "retry"],
    ["503", response(503), "retry"],
    ["timeout", new TransportError("timeout", "t"), "retry"],
    ["reset", new TransportError("connection_failed", "c"), "retry"],
    ["dns", new TransportError("dns_failure", "d"), "retry"],
    ["blocked", new TransportError("blocked_address", "b"), "give_up"],
    ["invalid url", new TransportError("invalid_url", "u"), "give_up"],
  ])("%s → %s", (_label, outcome, kind) => {
    expect(classify(outcome, now).kind).toBe(kind);
  });

  it("reads Retry-After on 429 and 503 only", () => {
    expect(classify(response(429, { "retry-after": "30" }), now)).toEqual({ kind: "retry", retryAfterSeconds: 30 });
    expect(classify(response(503, { "retry-after": "Sat, 28 Nov 2026 12:02:00 GMT" }), now)).toEqual({ kind: "retry", retryAfterSeconds: 120 });
    expect(classify(response(500, { "retry-after": "30" }), now)).toEqual({ kind: "retry" });
  });
});

describe("parseRetryAfter", () => {
  test.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ["0", 0],
    ["120", 120],
    [" 7 ", 7],
    ["-5", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["Sat, 28 Nov 2026 12:00:30 GMT", 30],
    ["Sat, 28 Nov 2026 11:00:00 GMT", 0], // in the past
  ])("%j → %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("nextAttemptAt", () => {
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const middle = () => 0.5; // no jitter

  it("follows the default schedule: 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", () => {
    expect(RETRY_SCHEDULE_SECONDS).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    const delays = [1, 2, 3, 4, 5, 6, 7].map((made) => nextAttemptAt({ attemptsMade: made, verdict: { kind: "retry" }, now, random: middle }));
    expect(delays).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000].map(at));
    expect(nextAttemptAt({ attemptsMade: 8, verdict: { kind: "retry" }, now, random: middle })).toBeNull();
  });

  it("spreads delays by ±20 %", () => {
    expect(nextAttemptAt({ attemptsMade: 2, verdict: { kind: "retry" }, now, random: () => 0 })).toEqual(at(240));
    expect(nextAttemptAt({ attemptsMade: 2, verdict: { kind: "retry" }, now, random: () => 0.999999 })).toEqual(at(360));
  });

  it.each([
    [60, 300],
    [600, 600],
    [100_000, 86_400],
  ])("clamps Retry-After %i s after attempt 2 to %i s", (retryAfterSeconds, expected) => {
    expect(nextAttemptAt({ attemptsMade: 2, verdict: { kind: "retry", retryAfterSeconds }, now, random: () => 0 })).toEqual(at(expected));
  });

  it.each(["success", "give_up", "disable"] as const)("does not schedule after %s", (kind) => {
    expect(nextAttemptAt({ attemptsMade: 1, verdict: { kind }, now })).toBeNull();
  });
});

describe("parseRetrySchedule", () => {
  it("parses seconds", () => expect(parseRetrySchedule("0, 10,60")).toEqual([0, 10, 60]));
  test.each(["", "5,10", "0,x", "0,-1", "0,,5"])("refuses %j", (value) => {
    expect(() => parseRetrySchedule(value)).toThrow();
  });
});
