import { z } from "zod";
import { revokeApiKey } from "@/lib/api-keys";
import { apiRoute, schemas } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute({ access: "manager", params: z.object({ id: schemas.id("key") }) }, async ({ actor, params }) => ({
  apiKey: await revokeApiKey({ organizationId: actor.organizationId, keyId: params.id }),
}));
