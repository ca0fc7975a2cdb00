import { z } from "zod";
import { RateLimiter } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { sendTestEvent } from "@/lib/webhooks/manual";

export const dynamic = "force-dynamic";

/** Test sends reach someone's server on demand: 10 a minute per organization. */
const limiter = new RateLimiter(10, 60_000);

export const POST = apiRoute({ access: "manager", params: z.object({ id: schemas.id("ep") }) }, async ({ actor, params }) => {
  limiter.take(actor.organizationId);
  return { result: await sendTestEvent({ organizationId: actor.organizationId, endpointId: params.id }) };
});
