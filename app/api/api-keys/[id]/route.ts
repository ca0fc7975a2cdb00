import { z } from "zod";
import { revokeApiKey, setApiKeyScopes } from "@/lib/api-keys";
import { apiKeyScopes } from "@/lib/http/schemas";
import { withAudit } from "@/lib/audit/route";
import { apiRoute, schemas } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const params = z.object({ id: schemas.id("key") });

/** Replaces the key's scopes (the key itself does not change); 409 for a revoked key. */
export const PATCH = apiRoute({ access: "manager", params, body: z.object({ scopes: apiKeyScopes }).strict() }, async ({ request, actor, params, body }) => {
  const { apiKey } = await withAudit(
    { request, actor },
    (tx) => setApiKeyScopes({ organizationId: actor.organizationId, keyId: params.id, scopes: body.scopes, prisma: tx }),
    ({ apiKey, previousScopes }) => ({ action: "api_key.scopes_changed", target: { type: "api_key", id: apiKey.id }, details: { name: apiKey.name, from: previousScopes, to: apiKey.scopes } }),
  );
  return { apiKey };
});

export const DELETE = apiRoute({ access: "manager", params }, async ({ request, actor, params }) => ({
  apiKey: await withAudit(
    { request, actor },
    (tx) => revokeApiKey({ organizationId: actor.organizationId, keyId: params.id, prisma: tx }),
    (apiKey) => ({ action: "api_key.revoked", target: { type: "api_key", id: apiKey.id }, details: { name: apiKey.name } }),
  ),
}));
