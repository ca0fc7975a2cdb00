import { z } from "zod";
import { recordFromRoute } from "@/lib/audit/route";
import { prisma } from "@/lib/db";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { recoverFailedDeliveries } from "@/lib/webhooks/manual";

export const dynamic = "force-dynamic";

export const POST = apiRoute(
  { access: "manager", params: z.object({ id: schemas.id("ep") }), body: z.object({ since: schemas.isoDate }) },
  async ({ request, actor, params, body }) => {
    await enforceRateLimit("recoveries", actor.organizationId);
    // Not inside a transaction: the re-queue wakes workers at once, which must see it committed.
    const requeued = await recoverFailedDeliveries({ organizationId: actor.organizationId, endpointId: params.id, since: body.since });
    await recordFromRoute(prisma, { request, actor }, {
      action: "endpoint.deliveries_recovered",
      target: { type: "endpoint", id: params.id },
      details: { since: body.since.toISOString(), requeued },
    });
    return { requeued };
  },
);
