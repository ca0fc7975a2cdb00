import type { EndpointView } from "@/lib/webhooks/endpoints";
import type { EndpointActivity } from "@/lib/webhooks/history";

/** The JSON shape of an endpoint in API responses. */
export function endpointJson(endpoint: EndpointView, activity?: EndpointActivity) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    status: endpoint.status,
    disabledReason: endpoint.disabledReason,
    disabledAt: endpoint.disabledAt,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
    lastSuccessAt: endpoint.lastSuccessAt,
    lastFailureAt: endpoint.lastFailureAt,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
    ...(activity ? { activity } : {}),
  };
}
