import { z } from "zod";
import { createApiKey, listApiKeys } from "@/lib/api-keys";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ access: "manager" }, async ({ actor }) => ({ apiKeys: await listApiKeys({ organizationId: actor.organizationId }) }));

/** The key itself is in this response only; we keep a hash. */
export const POST = apiRoute({ access: "manager", body: z.object({ name: z.string().min(1).max(100) }) }, async ({ actor, body }) => {
  const { apiKey, key } = await createApiKey({ organizationId: actor.organizationId, name: body.name, createdById: actor.userId ?? undefined });
  return Response.json({ apiKey, key }, { status: 201 });
});
