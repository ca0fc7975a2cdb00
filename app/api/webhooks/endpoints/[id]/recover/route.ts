import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { recoverFailedDeliveries } from "@/lib/webhooks/manual";

export const dynamic = "force-dynamic";

export const POST = apiRoute(
  { access: "manager", params: z.object({ id: schemas.id("ep") }), body: z.object({ since: schemas.isoDate }) },
  async ({ actor, params, body }) => ({
    requeued: await recoverFailedDeliveries({ organizationId: actor.organizationId, endpointId: params.id, since: body.since }),
  }),
);
