import { z } from "zod";
import { recordFromRoute } from "@/lib/audit/route";
import { prisma } from "@/lib/db";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { redeliver } from "@/lib/webhooks/manual";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ access: "manager", scope: "deliveries:write", params: z.object({ id: schemas.id("msg") }) }, async ({ request, actor, params }) => {
  await enforceRateLimit("redeliveries", actor.organizationId);
  // Not one transaction: the attempt goes over the network. Recorded once it was made.
  const result = await redeliver({ organizationId: actor.organizationId, deliveryId: params.id });
  await recordFromRoute(prisma, { request, actor }, {
    action: "delivery.redelivered",
    target: { type: "delivery", id: params.id },
    details: { success: result.success, statusCode: result.statusCode ?? null },
  });
  return { result };
});
