import type { ApiKeyView } from "@/lib/api-keys";
import type { OrgMembership } from "@/lib/auth/membership";
import type { Invitation, Member } from "better-auth/plugins/organization";
import type { endpointJson } from "@/lib/http/views";
import type { ManualAttemptResult } from "@/lib/webhooks/manual";

/**
 * Success bodies, typed with the types the routes return. Dates stay Dates here: the
 * handlers serialise them to ISO strings, as `Response.json` does on the server.
 */

/** An endpoint as the endpoint routes answer it (`endpointJson`, lib/http/views.ts). */
export type EndpointJson = ReturnType<typeof endpointJson>;

const CREATED_AT = new Date("2026-01-15T09:30:00.000Z");

export function makeOrganization(overrides: Partial<OrgMembership> = {}): OrgMembership {
  return { id: "org_01jd7k9v1xq2w3e4r5t6y7u8i9", name: "Acme", slug: "acme", role: "owner", canManage: true, ...overrides };
}

export function makeEndpointJson(overrides: Partial<EndpointJson> = {}): EndpointJson {
  return {
    id: "ep_01jd7k9v1xq2w3e4r5t6y7u8i9",
    url: "https://hooks.example.com/billing",
    description: "Billing service",
    eventTypes: [],
    status: "active",
    disabledReason: null,
    disabledAt: null,
    previousSecretExpiresAt: null,
    signatureScheme: "hmac",
    publicKey: null,
    previousSignatureScheme: null,
    lastSuccessAt: null,
    lastFailureAt: null,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ordering: "none",
    rateLimitPerSecond: null,
    retryPreset: "standard",
    sendTraceparent: false,
    headers: {},
    lastDisabledAt: null,
    kind: "http",
    listenSeenAt: null,
    ...overrides,
  };
}

/** What `POST /api/webhooks/endpoints/:id/test` (and `…/redeliver`) answer in `result`. */
export function makeManualAttemptResult(overrides: Partial<ManualAttemptResult> = {}): ManualAttemptResult {
  return {
    deliveryId: "msg_01jd7k9v1xq2w3e4r5t6y7u8i9",
    success: true,
    statusCode: 200,
    durationMs: 42,
    responseSnippet: "ok",
    status: "delivered",
    ...overrides,
  };
}

export function makeApiKeyView(overrides: Partial<ApiKeyView> = {}): ApiKeyView {
  return { id: "key_01jd7k9v1xq2w3e4r5t6y7u8i9", name: "billing-service", prefix: "whk_AbCdEfGh", scopes: ["events:write"], createdAt: CREATED_AT, lastUsedAt: null, revokedAt: null, ...overrides };
}

/** An invitation as better-auth's `POST /api/auth/organization/invite-member` answers it. */
export function makeInvitation(overrides: Partial<Invitation> = {}): Invitation {
  return {
    id: "inv_0123456789abcdef",
    organizationId: makeOrganization().id,
    email: "teammate@example.com",
    role: "member",
    status: "pending",
    inviterId: "user_0123456789abcdef",
    expiresAt: new Date("2026-01-17T09:30:00.000Z"),
    createdAt: CREATED_AT,
    ...overrides,
  };
}

/** A membership as better-auth's member routes (update-member-role, remove-member) answer it. */
export function makeMember(overrides: Partial<Member> = {}): Member {
  return { id: "mem_0123456789abcdef", organizationId: makeOrganization().id, userId: "user_0123456789abcdef", role: "member", createdAt: CREATED_AT, ...overrides };
}
