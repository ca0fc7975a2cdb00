import { z } from "zod";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { sendTestEvent } from "@/lib/webhooks/manual";

export const dynamic = "force-dynamic";

/** Test sends reach someone's server on demand: RATE_LIMIT_TEST_SENDS per organization, shared with the classic test route. */
export const POST = apiRoute({ access: "manager", params: z.object({ id: schemas.id("ep") }) }, async ({ actor, params }) => {
  await enforceRateLimit("testSends", actor.organizationId);
  return { result: await sendTestEvent({ organizationId: actor.organizationId, endpointId: params.id }) };
});
