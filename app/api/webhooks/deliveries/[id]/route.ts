import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { getDeliveryDetail } from "@/lib/webhooks/history";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ access: "member", params: z.object({ id: schemas.id("msg") }) }, async ({ actor, params }) => ({
  delivery: await getDeliveryDetail({ organizationId: actor.organizationId, deliveryId: params.id, maskUrls: actor.role === "member" }),
}));
