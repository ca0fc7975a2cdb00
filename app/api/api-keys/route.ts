import { z } from "zod";
import { createApiKey, listApiKeys, API_KEY_NAME_MAX } from "@/lib/api-keys";
import { apiKeyScopes } from "@/lib/http/schemas";
import { apiKeyResponse } from "@/lib/http/response-schemas";
import { withAudit } from "@/lib/audit/route";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  access: "manager",
  summary: "List the organization's API keys",
  description: "Every key, revoked ones too; the key itself is never shown again after its creation.",
  responses: { 200: z.object({ apiKeys: z.array(apiKeyResponse) }) },
}, async ({ actor }) => ({ apiKeys: await listApiKeys({ organizationId: actor.organizationId }) }));

const createBody = z.object({ name: z.string().min(1).max(API_KEY_NAME_MAX), scopes: apiKeyScopes.optional() }).strict();

/** The key itself is in this response only; we keep a hash. Without `scopes`, the key may send events only. */
export const POST = apiRoute({
  access: "manager",
  body: createBody,
  summary: "Create an API key",
  description: "Without `scopes` the key may only send events (`events:write`). The key is in this answer only: we keep a hash.",
  responses: { 201: z.object({ apiKey: apiKeyResponse, key: z.string().regex(/^whk_/).describe("The key: in this answer only") }) },
  errors: { 422: "`invalid_input`: a name that is blank once trimmed" },
}, async ({ request, actor, body }) => {
  const { apiKey, key } = await withAudit(
    { request, actor },
    (tx) => createApiKey({ organizationId: actor.organizationId, name: body.name, scopes: body.scopes, createdById: actor.userId ?? undefined, prisma: tx }),
    ({ apiKey }) => ({ action: "api_key.created", target: { type: "api_key", id: apiKey.id }, details: { name: apiKey.name, prefix: apiKey.prefix, scopes: apiKey.scopes } }),
  );
  return Response.json({ apiKey, key }, { status: 201 });
});
