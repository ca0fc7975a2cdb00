import { MAX_WEBHOOK_URL_LENGTH } from "@/lib/webhooks/url-guard";
import { z } from "zod";
import { urlHost } from "@/lib/audit/record";
import { withAudit } from "@/lib/audit/route";
import { apiRoute } from "@/lib/http/route";
import { endpointJson } from "@/lib/http/views";
import { upsertDefaultEndpoint } from "@/lib/webhooks/endpoints";
import { endpointWithSecretResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

/** The classic guide's route: one URL per organization, kept as its default endpoint. */
export const PUT = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  body: z.object({ webhookUrl: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH) }),
  summary: "Set the organization's webhook URL (classic)",
  description: "One URL per organization, kept as its default endpoint (every event): created the first time, with its secret in that answer only; pointed at the new URL after.",
  responses: {
    201: { description: "The default endpoint was created; its secret is in this answer only", json: endpointWithSecretResponse },
    200: { description: "The default endpoint now has this URL", json: endpointWithSecretResponse },
  },
  errors: { 409: "`endpoint_limit_reached` (`limit`, `current`)", 422: "`invalid_url`: a URL the delivery network policy refuses" },
}, async ({ request, actor, body }) => {
  const { endpoint, secret, created } = await withAudit(
    { request, actor },
    (tx) => upsertDefaultEndpoint({ organizationId: actor.organizationId, url: body.webhookUrl, prisma: tx }),
    ({ endpoint, created }) => ({
      action: created ? "endpoint.created" : "endpoint.updated",
      target: { type: "endpoint", id: endpoint.id },
      details: { host: urlHost(endpoint.url), ...(created ? {} : { changed: ["url"] }) },
    }),
  );
  return Response.json({ endpoint: endpointJson(endpoint), ...(secret ? { secret } : {}) }, { status: created ? 201 : 200 });
});
