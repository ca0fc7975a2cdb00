import { ENDPOINT_DESCRIPTION_MAX_LENGTH, ENDPOINT_EVENT_TYPES_MAX } from "@/lib/webhooks/endpoints";
import { MAX_WEBHOOK_URL_LENGTH } from "@/lib/webhooks/url-guard";
import { z } from "zod";
import { urlHost } from "@/lib/audit/record";
import { withAudit, type AuditNote } from "@/lib/audit/route";
import { apiRoute, schemas, seesFullUrls } from "@/lib/http/route";
import { endpointResponse, endpointWithSecretResponse } from "@/lib/http/response-schemas";
import { endpointJson } from "@/lib/http/views";
import { deliveryControlsFields, endpointHeaderChangesFields, signatureSchemeFields } from "@/lib/webhooks/delivery-controls-schema";
import { deleteEndpoint, disableEndpoint, enableEndpoint, getEndpoint, revealEndpointSecret, updateEndpoint } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

const params = z.object({ id: schemas.id("ep") });

export const GET = apiRoute({
  access: "member",
  scope: "endpoints:read",
  params,
  summary: "Read an endpoint",
  description: "URL masked for members and read-only keys.",
  responses: { 200: z.object({ endpoint: endpointResponse }) },
}, async ({ actor, params }) => ({
  endpoint: endpointJson(await getEndpoint({ organizationId: actor.organizationId, endpointId: params.id }), undefined, { fullUrl: seesFullUrls(actor) }),
}));

const patchBody = z
  .object({
    url: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH).optional(),
    description: z.string().max(ENDPOINT_DESCRIPTION_MAX_LENGTH).optional(),
    eventTypes: z.array(z.string()).max(ENDPOINT_EVENT_TYPES_MAX).optional(),
    status: z.enum(["active", "disabled"]).optional(),
    ...deliveryControlsFields,
    ...endpointHeaderChangesFields,
    ...signatureSchemeFields,
  })
  .refine((body) => Object.keys(body).length > 0, "send at least one field to change");

export const PATCH = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  params,
  body: patchBody,
  summary: "Change an endpoint",
  description: "Any of url, description, eventTypes, status (active, disabled), the delivery controls, custom headers (`headers`: the whole set; `headerChanges`: single headers) and `signatureScheme`. A switch to `hmac` makes a new shared secret, in this answer only. Audited.",
  responses: { 200: endpointWithSecretResponse },
  errors: { 422: "`invalid_url` (a listen session's URL cannot be changed at all); `invalid_headers`" },
}, async ({ request, actor, params, body }) => {
  const target = { type: "endpoint", id: params.id };
  const { status, ...fields } = body;
  const notes: AuditNote[] = [];
  // A switch to hmac makes a new shared secret: like a created endpoint's, it is in this answer.
  let secret: string | undefined;
  const endpoint = await withAudit(
    { request, actor },
    async (tx) => {
      const ref = { organizationId: actor.organizationId, endpointId: params.id, prisma: tx };
      let endpoint = await getEndpoint(ref);
      if (Object.keys(fields).length > 0) {
        const before = endpoint;
        endpoint = await updateEndpoint({ ...ref, ...fields });
        // Header values never reach the audit log: a header change is noted by the word alone.
        const changed = [
          ...Object.keys(fields).filter((field) => JSON.stringify(before[field as keyof typeof before]) !== JSON.stringify(endpoint[field as keyof typeof endpoint])),
          ...(fields.headers !== undefined || fields.headerChanges !== undefined ? ["headers"] : []),
        ];
        notes.push({ action: "endpoint.updated", target, details: { changed, host: urlHost(endpoint.url) } });
        if (endpoint.signatureScheme !== before.signatureScheme && endpoint.signatureScheme === "hmac") secret = await revealEndpointSecret(ref);
      }
      if (status === "disabled" && endpoint.status !== "disabled") {
        endpoint = await disableEndpoint(ref);
        notes.push({ action: "endpoint.disabled", target });
      }
      if (status === "active" && endpoint.status !== "active") {
        endpoint = await enableEndpoint(ref);
        notes.push({ action: "endpoint.enabled", target });
      }
      return endpoint;
    },
    () => notes,
  );
  return { endpoint: endpointJson(endpoint), ...(secret === undefined ? {} : { secret }) };
});

export const DELETE = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  params,
  summary: "Delete an endpoint",
  description: "With its deliveries and their attempts. Audited.",
  responses: { 204: { description: "Deleted; no body" } },
}, async ({ request, actor, params }) => {
  await withAudit(
    { request, actor },
    async (tx) => {
      const endpoint = await getEndpoint({ organizationId: actor.organizationId, endpointId: params.id, prisma: tx });
      await deleteEndpoint({ organizationId: actor.organizationId, endpointId: params.id, prisma: tx });
      return endpoint;
    },
    (endpoint) => ({ action: "endpoint.deleted", target: { type: "endpoint", id: endpoint.id }, details: { host: urlHost(endpoint.url) } }),
  );
  return new Response(null, { status: 204 });
});
