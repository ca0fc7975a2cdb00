import { z } from "zod";
import { createApiKey, listApiKeys, API_KEY_NAME_MAX } from "@/lib/api-keys";
import { apiKeyScopes } from "@/lib/http/schemas";
import { withAudit } from "@/lib/audit/route";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ access: "manager" }, async ({ actor }) => ({ apiKeys: await listApiKeys({ organizationId: actor.organizationId }) }));

const createBody = z.object({ name: z.string().min(1).max(API_KEY_NAME_MAX), scopes: apiKeyScopes.optional() }).strict();

/** The key itself is in this response only; we keep a hash. Without `scopes`, the key may send events only. */
export const POST = apiRoute({ access: "manager", body: createBody }, async ({ request, actor, body }) => {
  const { apiKey, key } = await withAudit(
    { request, actor },
    (tx) => createApiKey({ organizationId: actor.organizationId, name: body.name, scopes: body.scopes, createdById: actor.userId ?? undefined, prisma: tx }),
    ({ apiKey }) => ({ action: "api_key.created", target: { type: "api_key", id: apiKey.id }, details: { name: apiKey.name, prefix: apiKey.prefix, scopes: apiKey.scopes } }),
  );
  return Response.json({ apiKey, key }, { status: 201 });
});
