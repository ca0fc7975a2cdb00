import { z } from "zod";
import { createApiKey, listApiKeys, API_KEY_NAME_MAX } from "@/lib/api-keys";
import { withAudit } from "@/lib/audit/route";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ access: "manager" }, async ({ actor }) => ({ apiKeys: await listApiKeys({ organizationId: actor.organizationId }) }));

/** The key itself is in this response only; we keep a hash. */
export const POST = apiRoute({ access: "manager", body: z.object({ name: z.string().min(1).max(API_KEY_NAME_MAX) }) }, async ({ request, actor, body }) => {
  const { apiKey, key } = await withAudit(
    { request, actor },
    (tx) => createApiKey({ organizationId: actor.organizationId, name: body.name, createdById: actor.userId ?? undefined, prisma: tx }),
    ({ apiKey }) => ({ action: "api_key.created", target: { type: "api_key", id: apiKey.id }, details: { name: apiKey.name, prefix: apiKey.prefix } }),
  );
  return Response.json({ apiKey, key }, { status: 201 });
});
