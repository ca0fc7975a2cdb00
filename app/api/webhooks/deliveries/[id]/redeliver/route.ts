import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { redeliver } from "@/lib/webhooks/manual";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ access: "manager", params: z.object({ id: schemas.id("msg") }) }, async ({ actor, params }) => ({
  result: await redeliver({ organizationId: actor.organizationId, deliveryId: params.id }),
}));
