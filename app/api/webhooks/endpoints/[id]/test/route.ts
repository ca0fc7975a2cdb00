import { z } from "zod";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { sendTestEvent, testEventTypeField } from "@/lib/webhooks/manual";
import { manualAttemptResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

const body = z.object({ eventType: testEventTypeField.optional() });

/**
 * Sends one test event now: `{eventType?}` picks a catalogue type (default `webhook.test`) whose
 * sample is sent, with an idempotency key starting `test-`. Test sends reach someone's server on
 * demand: RATE_LIMIT_TEST_SENDS per organization, shared with the classic test route.
 */
export const POST = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  params: z.object({ id: schemas.id("ep") }),
  body,
  summary: "Send a test event now",
  description: "`eventType` picks a catalogue type (default `webhook.test`) whose sample is sent, with an idempotency key starting `test-`. One attempt, never retried.",
  responses: { 200: z.object({ result: manualAttemptResponse }) },
  errors: {
    409: "`endpoint_disabled`; `listen_endpoint` while its CLI is away",
    422: "`invalid_event_type`: a type the endpoint is not subscribed to",
    429: "`rate_limited`: RATE_LIMIT_TEST_SENDS per organization, with Retry-After",
  },
}, async ({ actor, params, body }) => {
  await enforceRateLimit("testSends", actor.organizationId);
  return { result: await sendTestEvent({ organizationId: actor.organizationId, endpointId: params.id, eventType: body.eventType }) };
});
