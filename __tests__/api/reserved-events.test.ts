import * as ingest from "@/app/api/v1/events/route";
import * as apiKeys from "@/app/api/api-keys/route";
import { prisma } from "@/lib/db";
import { sendWebhookNotification, WebhookValidationError } from "@/lib/webhooks";
import { emitPlatformEvent } from "@/lib/webhooks/platform-events";
import { call, createOrganization, setupAuth, signUp } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";

setupTestDatabase();
setupAuth();

/**
 * The platform's own event names (endpoint.disabled, delivery.exhausted, …) are what receivers
 * trust as the platform speaking; a tenant or the host app must not be able to send them.
 */
const RESERVED = ["endpoint.disabled", "endpoint.failing", "delivery.exhausted", "webhook.test", "ops.alerts_changed", "endpoint.anything_new"];

let organizationId: string;
let key: string;
beforeAll(async () => {
  const owner = await signUp("reserved@a.example");
  organizationId = await createOrganization(owner, "Reserved Org");
  key = (await call(apiKeys.POST, { user: owner, org: organizationId, body: { name: "backend" } })).body.key;
});

test.each(RESERVED)("sendWebhookNotification refuses %s with reserved_event_type and stores nothing", async (event) => {
  const attempt = sendWebhookNotification(organizationId, event, `k-${event}`, {});
  await expect(attempt).rejects.toBeInstanceOf(WebhookValidationError);
  await expect(sendWebhookNotification(organizationId, event, `k-${event}`, {})).rejects.toMatchObject({ code: "reserved_event_type" });
  expect(await prisma.webhookEvent.count({ where: { eventType: event } })).toBe(0);
});

test.each(RESERVED)("the ingest API answers 422 reserved_event_type for %s", async (event) => {
  const response = await call(ingest.POST, { headers: { authorization: `Bearer ${key}` }, body: { event, idempotencyKey: `api-${event}`, data: {} } });
  expect(response.status).toBe(422);
  expect(response.body).toMatchObject({ error: "reserved_event_type" });
});

test.each(["endpoints.created", "deliveryman.assigned", "webhooks.tested", "invoice.settled"])("%s is a tenant's to send", async (event) => {
  await expect(sendWebhookNotification(organizationId, event, `ok-${event}`, {})).resolves.toMatchObject({ duplicate: false });
});

it("the engine's own path still emits platform events", async () => {
  const result = await emitPlatformEvent(organizationId, "delivery.exhausted", "exhausted-msg_1", { deliveryId: "msg_1" });
  expect(result.duplicate).toBe(false);
  expect(await prisma.webhookEvent.count({ where: { eventType: "delivery.exhausted" } })).toBe(1);
});
