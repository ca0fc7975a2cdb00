import { ATTEMPTS_PAGE_MAX, getDeliveryDetail } from "@/lib/webhooks/history";
import { z } from "zod";
import { apiRoute, schemas, seesFullUrls } from "@/lib/http/route";
import { deliveryDetailResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

const attemptsQuery = z.object({
  attemptsBefore: z.coerce.number().int().min(1).optional(),
  attemptsLimit: z.coerce.number().int().min(1).max(ATTEMPTS_PAGE_MAX).optional(),
});

/** One delivery and a page of its attempts, newest first (`olderAttemptsBefore` pages back). */
export const GET = apiRoute({
  access: "member",
  scope: "deliveries:read",
  params: z.object({ id: schemas.id("msg") }),
  query: attemptsQuery,
  summary: "One delivery and its attempts",
  description: "The delivery with its exact payload and a page of its attempts, newest first (`attemptsLimit`, default 20; `attemptsBefore` from `olderAttemptsBefore`). Signature values masked; URLs masked for members and read-only keys.",
  responses: { 200: z.object({ delivery: deliveryDetailResponse }) },
}, async ({ actor, params, query }) => ({
  delivery: await getDeliveryDetail({ organizationId: actor.organizationId, deliveryId: params.id, maskUrls: !seesFullUrls(actor), ...query }),
}));
