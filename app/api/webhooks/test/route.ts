import { MAX_WEBHOOK_URL_LENGTH } from "@/lib/webhooks/url-guard";
import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute } from "@/lib/http/route";
import { newId } from "@/lib/ids";
import { sendWebhook, validateWebhookUrl } from "@/lib/webhooks";
import { defaultEndpointSecret } from "@/lib/webhooks/endpoints";
import { testEnvelope, testEventTypeField } from "@/lib/webhooks/manual";
import { generateSecret } from "@/lib/webhooks/secrets";
import { sendWebhookResultResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

const body = z.object({ webhookUrl: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH), eventType: testEventTypeField.optional() });

/**
 * The classic guide's route: validates `webhookUrl`, then sends one signed test event
 * (`eventType` from the catalogue, default `webhook.test`, with its sample; idempotency key
 * `test-…`) through the guarded transport (quick retries, nothing stored). Signed with the
 * default endpoint's secret when there is one.
 */
export const POST = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  body,
  summary: "Send a test event to a URL (classic)",
  description: "Checks `webhookUrl`, then sends one signed test event (`eventType` from the catalogue, default `webhook.test`) with quick retries; nothing is stored. Signed with the default endpoint's secret when there is one.",
  responses: { 200: z.object({ result: sendWebhookResultResponse }) },
  errors: { 422: "`invalid_url`: a URL the delivery network policy refuses", 429: "`rate_limited`: RATE_LIMIT_TEST_SENDS per organization, with Retry-After" },
}, async ({ actor, body }) => {
  const check = validateWebhookUrl(body.webhookUrl);
  if (!check.valid) throw new HttpError(422, "invalid_url", check.error ?? "URL is not valid");
  await enforceRateLimit("testSends", actor.organizationId);
  const secret = (await defaultEndpointSecret({ organizationId: actor.organizationId })) ?? generateSecret();
  const payload = testEnvelope({ eventType: body.eventType, messageId: newId("msg"), timestamp: new Date() });
  return { result: await sendWebhook(body.webhookUrl, payload, secret) };
});
