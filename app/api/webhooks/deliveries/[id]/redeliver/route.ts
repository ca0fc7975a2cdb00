import { z } from "zod";
import { recordFromRoute } from "@/lib/audit/route";
import { prisma } from "@/lib/db";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { redeliver } from "@/lib/webhooks/manual";
import { manualAttemptResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

export const POST = apiRoute({
  access: "manager",
  scope: "deliveries:write",
  params: z.object({ id: schemas.id("msg") }),
  summary: "Send a delivery again now",
  description: "One attempt now, with the same webhook-id and a fresh signature; it does not move the retry schedule. Audited.",
  responses: { 200: z.object({ result: manualAttemptResponse }) },
  errors: {
    409: "`delivery_in_progress`: a worker is attempting it right now; `endpoint_disabled`; `listen_endpoint`: a listen session's delivery",
    429: "`rate_limited`: RATE_LIMIT_REDELIVERIES per organization, with Retry-After",
  },
}, async ({ request, actor, params }) => {
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
