import { z } from "zod";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute, schemas } from "@/lib/http/route";
import { sendTestEvent, testEventTypeField } from "@/lib/webhooks/manual";

export const dynamic = "force-dynamic";

const body = z.object({ eventType: testEventTypeField.optional() });

/**
 * Sends one test event now: `{eventType?}` picks a catalogue type (default `webhook.test`) whose
 * sample is sent, with an idempotency key starting `test-`. Test sends reach someone's server on
 * demand: RATE_LIMIT_TEST_SENDS per organization, shared with the classic test route.
 */
export const POST = apiRoute({ access: "manager", scope: "endpoints:write", params: z.object({ id: schemas.id("ep") }), body }, async ({ actor, params, body }) => {
  await enforceRateLimit("testSends", actor.organizationId);
  return { result: await sendTestEvent({ organizationId: actor.organizationId, endpointId: params.id, eventType: body.eventType }) };
});
