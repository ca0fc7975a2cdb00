import { z } from "zod";
import { revokeApiKey } from "@/lib/api-keys";
import { withAudit } from "@/lib/audit/route";
import { apiRoute, schemas } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute({ access: "manager", params: z.object({ id: schemas.id("key") }) }, async ({ request, actor, params }) => ({
  apiKey: await withAudit(
    { request, actor },
    (tx) => revokeApiKey({ organizationId: actor.organizationId, keyId: params.id, prisma: tx }),
    (apiKey) => ({ action: "api_key.revoked", target: { type: "api_key", id: apiKey.id }, details: { name: apiKey.name } }),
  ),
}));
