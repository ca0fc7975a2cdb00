import { z } from "zod";
import { revokeApiKey, setApiKeyScopes } from "@/lib/api-keys";
import { apiKeyScopes } from "@/lib/http/schemas";
import { apiKeyResponse } from "@/lib/http/response-schemas";
import { withAudit } from "@/lib/audit/route";
import { apiRoute, schemas } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const params = z.object({ id: schemas.id("key") });

/** Replaces the key's scopes (the key itself does not change); 409 for a revoked key. */
export const PATCH = apiRoute({
  access: "manager",
  params,
  body: z.object({ scopes: apiKeyScopes }).strict(),
  summary: "Change an API key's scopes",
  description: "Replaces the key's scopes (the key itself does not change); audited. Effective at once in this process, within 5 s in the others.",
  responses: { 200: z.object({ apiKey: apiKeyResponse }) },
  errors: { 409: "`api_key_revoked`: the key is revoked" },
}, async ({ request, actor, params, body }) => {
  const { apiKey } = await withAudit(
    { request, actor },
    (tx) => setApiKeyScopes({ organizationId: actor.organizationId, keyId: params.id, scopes: body.scopes, prisma: tx }),
    ({ apiKey, previousScopes }) => ({ action: "api_key.scopes_changed", target: { type: "api_key", id: apiKey.id }, details: { name: apiKey.name, from: previousScopes, to: apiKey.scopes } }),
  );
  return { apiKey };
});

export const DELETE = apiRoute({
  access: "manager",
  params,
  summary: "Revoke an API key",
  description: "The key is refused from now on (401); audited. Revoking a revoked key changes nothing.",
  responses: { 200: z.object({ apiKey: apiKeyResponse }) },
}, async ({ request, actor, params }) => ({
  apiKey: await withAudit(
    { request, actor },
    (tx) => revokeApiKey({ organizationId: actor.organizationId, keyId: params.id, prisma: tx }),
    (apiKey) => ({ action: "api_key.revoked", target: { type: "api_key", id: apiKey.id }, details: { name: apiKey.name } }),
  ),
}));
