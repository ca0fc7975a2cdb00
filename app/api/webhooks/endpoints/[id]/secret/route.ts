import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { revealEndpointSecret } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

/** "Reveal": the current signing secret, for owners and admins only. */
export const GET = apiRoute({ access: "manager", params: z.object({ id: schemas.id("ep") }) }, async ({ actor, params }) => ({
  secret: await revealEndpointSecret({ organizationId: actor.organizationId, endpointId: params.id }),
}));
