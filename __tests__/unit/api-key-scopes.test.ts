import { API_KEY_SCOPES, isApiKeyScope, normaliseScopes, scopeAllows, type ApiKeyScope } from "@/lib/api-key-scopes";

describe("API key scopes", () => {
  test.each<[string[], ApiKeyScope, boolean]>([
    [["events:write"], "events:write", true],
    [["events:write"], "endpoints:read", false],
    [["endpoints:read"], "endpoints:read", true],
    [["endpoints:read"], "endpoints:write", false],
    [["endpoints:write"], "endpoints:read", true],
    [["endpoints:write"], "deliveries:read", false],
    [["deliveries:write"], "deliveries:read", true],
    [["deliveries:read"], "deliveries:write", false],
    [[], "events:write", false],
    // Only a write includes the read of the same resource; nothing includes events:write.
    [["endpoints:write", "deliveries:write"], "events:write", false],
  ])("%j allows %s: %s", (held, needed, expected) => {
    expect(scopeAllows(held, needed)).toBe(expected);
  });

  it("normalises to the catalogue's order, each once, dropping unknown names", () => {
    expect(normaliseScopes(["deliveries:read", "events:write", "admin", "events:write"])).toEqual(["events:write", "deliveries:read"]);
    expect(normaliseScopes([...API_KEY_SCOPES].reverse())).toEqual([...API_KEY_SCOPES]);
  });

  it("knows exactly the five scopes", () => {
    expect(API_KEY_SCOPES.filter(isApiKeyScope)).toHaveLength(5);
    expect(isApiKeyScope("endpoints:*")).toBe(false);
  });
});
