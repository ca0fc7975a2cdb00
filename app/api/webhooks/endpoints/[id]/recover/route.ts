import { z } from "zod";
import { recordFromRoute } from "@/lib/audit/route";
import { prisma } from "@/lib/db";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { countRecoverable, recoverDeliveries, type RecoverFilter } from "@/lib/webhooks/manual";
import { isoDateTime } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

const params = z.object({ id: schemas.id("ep") });

/** `{ since }`: failed and cancelled deliveries created since then; `{ missed: true }`: what the endpoint missed while disabled. */
const body = z
  .object({ since: schemas.isoDate.optional(), missed: z.literal(true).optional() })
  .refine((value) => (value.since === undefined) !== (value.missed === undefined), "give either since (recover failed deliveries) or missed: true (replay what was missed while disabled)");

/** How many deliveries a replay of what was missed would re-queue now. */
export const GET = apiRoute({
  access: "manager",
  scope: "deliveries:read",
  params,
  summary: "Count what the endpoint missed while disabled",
  description: "How many deliveries a replay of what was missed would re-queue now, and since when (the latest disabled period's start; null, with 0, when it was never disabled).",
  responses: { 200: z.object({ missed: z.number().int(), since: isoDateTime.nullable() }) },
}, async ({ actor, params }) => {
  const { count, since } = await countRecoverable({ organizationId: actor.organizationId, endpointId: params.id, filter: { missed: true } });
  return { missed: count, since };
});

export const POST = apiRoute({
  access: "manager",
  scope: "deliveries:write",
  params,
  body,
  summary: "Recover failed deliveries, or replay what was missed",
  description: "`{since}`: re-queue the failed and cancelled deliveries created since then; `{missed: true}`: replay what the endpoint missed while disabled. Same ids, a fresh retry schedule. Audited.",
  responses: { 200: z.object({ requeued: z.number().int() }) },
  errors: {
    409: "`endpoint_disabled`: enable the endpoint first",
    422: "`invalid_input`: `since` is not a time in the past",
    429: "`rate_limited`: RATE_LIMIT_RECOVERIES per organization, with Retry-After",
  },
}, async ({ request, actor, params, body }) => {
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
