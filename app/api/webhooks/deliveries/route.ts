import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { DELIVERY_STATUSES, HISTORY_PAGE_MAX, listDeliveries } from "@/lib/webhooks/history";

export const dynamic = "force-dynamic";

const deliveryQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  eventType: z.string().max(128).optional(),
  endpointId: schemas.id("ep").optional(),
  from: schemas.isoDate.optional(),
  to: schemas.isoDate.optional(),
  idempotencyKey: z.string().max(255).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_MAX).optional(),
});

export const GET = apiRoute({ access: "member", query: deliveryQuery }, async ({ actor, query }) =>
  listDeliveries({ organizationId: actor.organizationId, ...query, maskUrls: actor.role === "member" }),
);
