import { z } from "zod";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { diagnoseEndpoint } from "@/lib/webhooks/diagnose";

export const dynamic = "force-dynamic";

/**
 * Runs Diagnose on the endpoint now: DNS, TCP, TLS, a signed test POST and whether the signature
 * was accepted, each with its timing and a fix (lib/webhooks/diagnose.ts). The POST is a test send,
 * so it shares RATE_LIMIT_TEST_SENDS with "Send test event".
 */
export const POST = apiRoute({ access: "manager", scope: "endpoints:write", params: z.object({ id: schemas.id("ep") }) }, async ({ actor, params }) => {
  await enforceRateLimit("testSends", actor.organizationId);
  return { diagnosis: await diagnoseEndpoint({ organizationId: actor.organizationId, endpointId: params.id }) };
});
