import { z } from "zod";
import { recordFromRoute } from "@/lib/audit/route";
import { prisma } from "@/lib/db";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { countRecoverable, recoverDeliveries, type RecoverFilter } from "@/lib/webhooks/manual";

export const dynamic = "force-dynamic";

const params = z.object({ id: schemas.id("ep") });

/** `{ since }`: failed and cancelled deliveries created since then; `{ missed: true }`: what the endpoint missed while disabled. */
const body = z
  .object({ since: schemas.isoDate.optional(), missed: z.literal(true).optional() })
  .refine((value) => (value.since === undefined) !== (value.missed === undefined), "give either since (recover failed deliveries) or missed: true (replay what was missed while disabled)");

/** How many deliveries a replay of what was missed would re-queue now. */
export const GET = apiRoute({ access: "manager", scope: "deliveries:read", params }, async ({ actor, params }) => {
  const { count, since } = await countRecoverable({ organizationId: actor.organizationId, endpointId: params.id, filter: { missed: true } });
  return { missed: count, since };
});

export const POST = apiRoute({ access: "manager", scope: "deliveries:write", params, body }, async ({ request, actor, params, body }) => {
  await enforceRateLimit("recoveries", actor.organizationId);
  const filter: RecoverFilter = body.since ? { failedSince: body.since } : { missed: true };
  // Not inside a transaction: the re-queue wakes workers at once, which must see it committed.
  const requeued = await recoverDeliveries({ organizationId: actor.organizationId, endpointId: params.id, filter });
  await recordFromRoute(prisma, { request, actor }, {
    action: body.since ? "endpoint.deliveries_recovered" : "endpoint.missed_replayed",
    target: { type: "endpoint", id: params.id },
    details: body.since ? { since: body.since.toISOString(), requeued } : { requeued },
  });
  return { requeued };
});
