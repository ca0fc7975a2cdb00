import { z } from "zod";
import { withAudit } from "@/lib/audit/route";
import { apiRoute } from "@/lib/http/route";
import { endpointJson } from "@/lib/http/views";
import { endpointResponse } from "@/lib/http/response-schemas";
import { createEndpoint, ENDPOINT_DESCRIPTION_MAX_LENGTH, ENDPOINT_EVENT_TYPES_MAX } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";

const body = z
  .object({
    eventTypes: z.array(z.string()).max(ENDPOINT_EVENT_TYPES_MAX).optional(),
    description: z.string().max(ENDPOINT_DESCRIPTION_MAX_LENGTH).optional(),
  })
  .strict();

/**
 * Starts a listen session: a `cli` endpoint (every event, or `eventTypes`), disabled until the
 * CLI opens its stream (`GET …/listen/[id]/stream`). The signing secret is in this response only.
 */
export const POST = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  body,
  summary: "Start a listen session",
  description: "Makes a `cli` endpoint (every event, or `eventTypes`), disabled until the CLI opens its stream. The signing secret is in this answer only.",
  responses: { 201: z.object({ endpoint: endpointResponse, secret: z.string().regex(/^whsec_/) }) },
  errors: { 409: "`endpoint_limit_reached`: the organization has as many endpoints as this installation allows (`limit`, `current`)" },
}, async ({ request, actor, body }) => {
  const { endpoint, secret } = await withAudit(
    { request, actor },
    (tx) => createEndpoint({ organizationId: actor.organizationId, kind: "cli", url: "", description: body.description ?? "listen session", eventTypes: body.eventTypes, prisma: tx }),
    ({ endpoint }) => ({ action: "endpoint.created", target: { type: "endpoint", id: endpoint.id }, details: { host: "listen", eventTypes: endpoint.eventTypes } }),
  );
  return Response.json({ endpoint: endpointJson(endpoint), secret }, { status: 201 });
});
