import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { endpointJson } from "@/lib/http/views";
import { deleteEndpoint, disableEndpoint, enableEndpoint, getEndpoint, updateEndpoint } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

const params = z.object({ id: schemas.id("ep") });

export const GET = apiRoute({ access: "member", params }, async ({ actor, params }) => ({
  endpoint: endpointJson(await getEndpoint({ organizationId: actor.organizationId, endpointId: params.id }), undefined, { fullUrl: actor.role !== "member" }),
}));

const patchBody = z
  .object({
    url: z.string().min(1).max(2048).optional(),
    description: z.string().max(500).optional(),
    eventTypes: z.array(z.string()).max(100).optional(),
    status: z.enum(["active", "disabled"]).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "send at least one field to change");

export const PATCH = apiRoute({ access: "manager", params, body: patchBody }, async ({ actor, params, body }) => {
  const ref = { organizationId: actor.organizationId, endpointId: params.id };
  const { status, ...fields } = body;
  let endpoint = Object.keys(fields).length > 0 ? await updateEndpoint({ ...ref, ...fields }) : await getEndpoint(ref);
  if (status === "disabled" && endpoint.status !== "disabled") endpoint = await disableEndpoint(ref);
  if (status === "active" && endpoint.status !== "active") endpoint = await enableEndpoint(ref);
  return { endpoint: endpointJson(endpoint) };
});

export const DELETE = apiRoute({ access: "manager", params }, async ({ actor, params }) => {
  await deleteEndpoint({ organizationId: actor.organizationId, endpointId: params.id });
  return new Response(null, { status: 204 });
});
