import { parseHistoryQuery } from "@/app/orgs/[slug]/settings/webhooks/history/_components/query";
import { decodeHistoryCursor, encodeHistoryCursor, historyFilterQuery, parseFilterDate } from "@/lib/webhooks/history-filters";

const endpointId = "ep_0123456789abcdefghijklmnop";

describe("parseFilterDate", () => {
  test.each<[string, "start" | "end", string | undefined]>([
    ["2026-11-28", "start", "2026-11-28T00:00:00.000Z"],
    ["2026-11-28", "end", "2026-11-28T23:59:59.999Z"],
    ["2026-11-28T10:15:00Z", "end", "2026-11-28T10:15:00.000Z"],
    ["2026-11-28T10:15:00+01:00", "start", "2026-11-28T09:15:00.000Z"],
    ["2025-02-31", "start", undefined],
    ["28 Nov 2026", "start", undefined],
    ["2026-11-28T99:00:00Z", "start", undefined],
    ["", "start", undefined],
  ])("%s as the %s edge → %s", (value, edge, expected) => {
    expect(parseFilterDate(value, edge)?.toISOString()).toBe(expected);
  });
});

describe("the API and the history page read the same filters", () => {
  test.each<[string, Record<string, string>]>([
    ["an unknown status", { status: "bogus" }],
    ["an event type over 128 characters", { eventType: "x".repeat(129) }],
    ["an event type with * inside", { eventType: "invoice*.paid" }],
    ["an endpoint id of the wrong kind", { endpointId: "msg_0123456789abcdefghijklmnop" }],
    ["an impossible date", { from: "2025-02-31" }],
    ["an idempotency key over 255 characters", { idempotencyKey: "k".repeat(256) }],
  ])("both refuse %s", (_name, params) => {
    expect(historyFilterQuery.safeParse(params).success).toBe(false);
    const page = parseHistoryQuery(params, new Set([endpointId]));
    expect(page.filters).toEqual({});
    expect(page.warnings).toHaveLength(1);
  });

  it("both accept the same values with the same meaning", () => {
    const params = { status: "failed", eventType: "user.created", endpointId, from: "2026-11-01", to: "2026-11-28", idempotencyKey: "ORDER", limit: "50" };
    const api = historyFilterQuery.parse(params);
    const page = parseHistoryQuery(params, new Set([endpointId]));
    expect(page.warnings).toEqual([]);
    expect(page.filters).toEqual({ status: api.status, eventType: api.eventType, endpointId: api.endpointId, from: api.from, to: api.to, idempotencyKey: api.idempotencyKey });
    expect(page.limit).toBe(api.limit);
    expect(api.to?.toISOString()).toBe("2026-11-28T23:59:59.999Z");
  });

  it.each([["invoice.*"], ["invoice."]])("both read %s as the prefix invoice.", (eventType) => {
    expect(historyFilterQuery.parse({ eventType }).eventType).toEqual({ match: "prefix", value: "invoice." });
    expect(parseHistoryQuery({ eventType }, new Set()).filters.eventType).toEqual({ match: "prefix", value: "invoice." });
  });

  it("both read a cursor's direction, and both refuse one they did not hand out", () => {
    const cursor = encodeHistoryCursor({ direction: "newer", createdAt: new Date("2026-11-28T12:00:00.000Z"), id: "msg_0123456789abcdefghijklmnop" });
    expect(historyFilterQuery.parse({ cursor }).cursor).toEqual(decodeHistoryCursor(cursor));
    expect(parseHistoryQuery({ cursor }, new Set()).cursor).toMatchObject({ direction: "newer" });
    for (const forged of ["abc!", btoa("n|2026-11-28|msg_1")]) {
      expect(historyFilterQuery.safeParse({ cursor: forged }).success).toBe(false);
      expect(parseHistoryQuery({ cursor: forged }, new Set())).toMatchObject({ cursor: undefined, cursorInvalid: true });
    }
  });

  it("the page ignores an endpoint of another organization that the API would accept", () => {
    expect(historyFilterQuery.safeParse({ endpointId }).success).toBe(true);
    expect(parseHistoryQuery({ endpointId }, new Set()).filters).toEqual({});
  });
});
