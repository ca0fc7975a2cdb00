import { ENDPOINT_DESCRIPTION_MAX_LENGTH, ENDPOINT_EVENT_TYPES_MAX } from "@/lib/webhooks/endpoints";
import { MAX_WEBHOOK_URL_LENGTH } from "@/lib/webhooks/url-guard";
import { z } from "zod";
import { urlHost } from "@/lib/audit/record";
import { withAudit } from "@/lib/audit/route";
import { apiRoute, seesFullUrls } from "@/lib/http/route";
import { endpointResponse, endpointWithSecretResponse } from "@/lib/http/response-schemas";
import { endpointJson } from "@/lib/http/views";
import { createEndpoint, listEndpoints } from "@/lib/webhooks";
import { endpointActivity } from "@/lib/webhooks/endpoint-activity";
import { deliveryControlsFields, endpointHeadersFields, signatureSchemeFields } from "@/lib/webhooks/delivery-controls-schema";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  access: "member",
  scope: "endpoints:read",
  summary: "List endpoints",
  description: "Every endpoint of the organization with its `activity`: health, last delivery and the last 24 hours. URLs masked for members and read-only keys.",
  responses: { 200: z.object({ endpoints: z.array(endpointResponse) }) },
}, async ({ actor }) => {
  const [endpoints, activity] = await Promise.all([
    listEndpoints({ organizationId: actor.organizationId }),
    endpointActivity({ organizationId: actor.organizationId }),
  ]);
  const fullUrl = seesFullUrls(actor);
  return { endpoints: endpoints.map((endpoint) => endpointJson(endpoint, activity.get(endpoint.id), { fullUrl })) };
});

const createBody = z.object({
  url: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH),
  description: z.string().max(ENDPOINT_DESCRIPTION_MAX_LENGTH).optional(),
  eventTypes: z.array(z.string()).max(ENDPOINT_EVENT_TYPES_MAX).optional(),
  ...deliveryControlsFields,
  ...endpointHeadersFields,
  ...signatureSchemeFields,
});

/** Creates an endpoint; an `hmac` endpoint's signing secret is in this response only, an `ed25519` one's public key in `endpoint.publicKey`. */
export const POST = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  body: createBody,
  summary: "Create an endpoint",
  description: "An `hmac` endpoint's signing secret is in this answer only; an `ed25519` one's public key is `endpoint.publicKey`. Audited.",
  responses: { 201: endpointWithSecretResponse },
  errors: {
    409: "`endpoint_limit_reached`: as many endpoints as this installation allows (`limit`, `current`)",
    422: "`invalid_url`: a URL the delivery network policy refuses; `invalid_headers`",
  },
}, async ({ request, actor, body }) => {
  const { endpoint, secret } = await withAudit(
    { request, actor },
    (tx) => createEndpoint({ organizationId: actor.organizationId, ...body, prisma: tx }),
    ({ endpoint }) => ({
      action: "endpoint.created",
      target: { type: "endpoint", id: endpoint.id },
      details: { host: urlHost(endpoint.url), eventTypes: endpoint.eventTypes, signatureScheme: endpoint.signatureScheme },
    }),
  );
  return Response.json({ endpoint: endpointJson(endpoint), ...(secret === undefined ? {} : { secret }) }, { status: 201 });
});
