import { z } from "zod";
import { urlHost } from "@/lib/audit/record";
import { withAudit } from "@/lib/audit/route";
import { apiRoute } from "@/lib/http/route";
import { endpointJson } from "@/lib/http/views";
import { createEndpoint, listEndpoints } from "@/lib/webhooks";
import { endpointActivity } from "@/lib/webhooks/history";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ access: "member" }, async ({ actor }) => {
  const [endpoints, activity] = await Promise.all([
    listEndpoints({ organizationId: actor.organizationId }),
    endpointActivity({ organizationId: actor.organizationId }),
  ]);
  const fullUrl = actor.role !== "member";
  return { endpoints: endpoints.map((endpoint) => endpointJson(endpoint, activity.get(endpoint.id), { fullUrl })) };
});

const createBody = z.object({
  url: z.string().min(1).max(2048),
  description: z.string().max(500).optional(),
  eventTypes: z.array(z.string()).max(100).optional(),
});

/** Creates an endpoint; the signing secret is in this response only. */
export const POST = apiRoute({ access: "manager", body: createBody }, async ({ request, actor, body }) => {
  const { endpoint, secret } = await withAudit(
    { request, actor },
    (tx) => createEndpoint({ organizationId: actor.organizationId, ...body, prisma: tx }),
    ({ endpoint }) => ({ action: "endpoint.created", target: { type: "endpoint", id: endpoint.id }, details: { host: urlHost(endpoint.url), eventTypes: endpoint.eventTypes } }),
  );
  return Response.json({ endpoint: endpointJson(endpoint), secret }, { status: 201 });
});
