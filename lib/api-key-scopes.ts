/**
 * What an organization API key may do. A key holds one or more scopes; each
 * route that accepts keys names the one scope it needs, and a key without it
 * is answered 403 with that scope named. Writing a resource includes reading
 * it (`endpoints:write` reads endpoints too), as in Stripe's restricted keys.
 * Shared by the server and the key settings page, so it imports nothing.
 */
export const API_KEY_SCOPES = ["events:write", "endpoints:read", "endpoints:write", "deliveries:read", "deliveries:write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What a key gets when its creator names no scopes, and what keys made before scopes existed hold. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ["events:write"];

/** What each scope allows, in the words the key settings page and the docs use. */
export const API_KEY_SCOPE_DESCRIPTIONS: Readonly<Record<ApiKeyScope, string>> = {
  "events:write": "Send events (POST /api/v1/events and /batch)",
  "endpoints:read": "List and read endpoints, their settings and public keys",
  "endpoints:write": "Create, change, disable, delete and test endpoints; reveal and rotate their signing secrets; diagnose them",
  "deliveries:read": "Browse the delivery history and each delivery's attempts",
  "deliveries:write": "Redeliver deliveries and recover failed ones",
};

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** True when `held` allows `needed`: the scope itself, or the write scope of the same resource for a read. */
export function scopeAllows(held: readonly string[], needed: ApiKeyScope): boolean {
  if (held.includes(needed)) return true;
  return needed.endsWith(":read") && held.includes(needed.replace(/:read$/, ":write"));
}

/** The scopes in the order of {@link API_KEY_SCOPES}, each once, unknown ones dropped. */
export function normaliseScopes(scopes: readonly string[]): ApiKeyScope[] {
  return API_KEY_SCOPES.filter((scope) => scopes.includes(scope));
}
