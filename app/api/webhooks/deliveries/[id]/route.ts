import { ATTEMPTS_PAGE_MAX, getDeliveryDetail } from "@/lib/webhooks/history";
import { z } from "zod";
import { apiRoute, schemas, seesFullUrls } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const attemptsQuery = z.object({
  attemptsBefore: z.coerce.number().int().min(1).optional(),
  attemptsLimit: z.coerce.number().int().min(1).max(ATTEMPTS_PAGE_MAX).optional(),
});

/** One delivery and a page of its attempts, newest first (`olderAttemptsBefore` pages back). */
export const GET = apiRoute({ access: "member", scope: "deliveries:read", params: z.object({ id: schemas.id("msg") }), query: attemptsQuery }, async ({ actor, params, query }) => ({
  delivery: await getDeliveryDetail({ organizationId: actor.organizationId, deliveryId: params.id, maskUrls: !seesFullUrls(actor), ...query }),
}));
