import { z } from "zod";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { diagnoseEndpoint } from "@/lib/webhooks/diagnose";
import { diagnosisResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

/**
 * Runs Diagnose on the endpoint now: DNS, TCP, TLS, a signed test POST and whether the signature
 * was accepted, each with its timing and a fix (lib/webhooks/diagnose.ts). The POST is a test send,
 * so it shares RATE_LIMIT_TEST_SENDS with "Send test event".
 */
export const POST = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  params: z.object({ id: schemas.id("ep") }),
  summary: "Diagnose an endpoint",
  description: "DNS, TCP, TLS, a signed test request and whether the signature was accepted, each timed, with a fix for what failed. Counts as a test send.",
  responses: { 200: z.object({ diagnosis: diagnosisResponse }) },
  errors: { 409: "`listen_endpoint`: a listen session's endpoint is not reached over the network", 429: "`rate_limited`: RATE_LIMIT_TEST_SENDS per organization, with Retry-After" },
}, async ({ actor, params }) => {
  await enforceRateLimit("testSends", actor.organizationId);
  return { diagnosis: await diagnoseEndpoint({ organizationId: actor.organizationId, endpointId: params.id }) };
});
