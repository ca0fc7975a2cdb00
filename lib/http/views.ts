import { HEADER_VALUE_MASK } from "@/lib/webhooks/endpoint-headers";
import { displayUrl, type EndpointView } from "@/lib/webhooks/endpoints";
import type { EndpointActivity } from "@/lib/webhooks/endpoint-activity";

/**
 * The JSON shape of an endpoint in API responses. `fullUrl: false` (members) gives the URL's
 * scheme and host only: endpoint URLs often carry tokens.
 */
export function endpointJson(endpoint: EndpointView, activity?: EndpointActivity, { fullUrl = true }: { fullUrl?: boolean } = {}) {
  return {
    id: endpoint.id,
    url: displayUrl(endpoint.url, fullUrl),
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    status: endpoint.status,
    disabledReason: endpoint.disabledReason,
    disabledAt: endpoint.disabledAt,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
    /** `hmac` (`v1` entries, a shared secret) or `ed25519` (`v1a` entries, verified with `publicKey`). */
    signatureScheme: endpoint.signatureScheme,
    publicKey: endpoint.publicKey,
    /** The scheme of the previous credential while it still signs (until `previousSecretExpiresAt`). */
    previousSignatureScheme: endpoint.previousSignatureScheme,
    lastSuccessAt: endpoint.lastSuccessAt,
    lastFailureAt: endpoint.lastFailureAt,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
    ordering: endpoint.ordering,
    rateLimitPerSecond: endpoint.rateLimitPerSecond,
    retryPreset: endpoint.retryPreset,
    sendTraceparent: endpoint.sendTraceparent,
    /** Custom headers by name; values are never shown after saving. */
    headers: Object.fromEntries(endpoint.headerNames.map((name) => [name, HEADER_VALUE_MASK])),
    lastDisabledAt: endpoint.lastDisabledAt,
    kind: endpoint.kind,
    listenSeenAt: endpoint.listenSeenAt,
    ...(activity ? { activity } : {}),
  };
}
