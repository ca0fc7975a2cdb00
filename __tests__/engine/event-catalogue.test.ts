import * as eventTypes from "@/app/api/v1/event-types/route";
import * as ingest from "@/app/api/v1/events/route";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { checkWebhookHealth, notifyAlerts } from "@/lib/webhooks/alerting";
import { assertEventData, declaredEventType, EVENT_CATALOGUE, publishedEventType } from "@/lib/webhooks/event-catalogue";
import { WebhookValidationError } from "@/lib/webhooks/errors";
import { sendTestEvent } from "@/lib/webhooks/manual";
import { rawJson } from "@/lib/webhooks/raw-json";
import { processDueDeliveries, sendWebhookNotification } from "@/lib/webhooks";
import { call, createOrganization, setupAuth, signUp } from "../helpers/auth";
import { setupEngineTest } from "../helpers/engine";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondWith } from "../helpers/receiver";
import * as apiKeys from "@/app/api/api-keys/route";

/**
 * The typed event catalogue: every example passes its schema, declared types' data is checked
 * on send (library and ingest API), undeclared types pass unless refused, the platform's own
 * events really carry what their schemas say, and the catalogue is published as JSON Schema.
 */
const harness = setupEngineTest();
setupAuth();

function refusal(run: () => unknown): WebhookValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookValidationError);
    return error as WebhookValidationError;
  }
  throw new Error("accepted");
}

describe("the catalogue", () => {
  it.each(EVENT_CATALOGUE.map((definition) => [definition.name, definition] as const))("%s: its example passes its schema, which publishes as JSON Schema", (_name, definition) => {
    expect(definition.schema.safeParse(definition.example).success).toBe(true);
    expect(definition.description.length).toBeGreaterThan(10);
    const published = publishedEventType(definition);
    expect(published.schema).toMatchObject({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" });
    expect(JSON.parse(JSON.stringify(published))).toEqual(published);
  });

  it("checks a declared type's data, with the issues and where they are", () => {
    expect(() => assertEventData("invoice.paid", { invoiceId: "inv_1", amount: 100, currency: "eur", extra: { kept: true } })).not.toThrow();
    expect(() => assertEventData("invoice.paid", { invoiceId: "inv_1", amount: 100, currency: "EUR" })).not.toThrow();
    const error = refusal(() => assertEventData("invoice.paid", { invoiceId: "inv_1", amount: -5, currency: "Eur" }));
    expect(error.code).toBe("invalid_payload");
    expect(error.issues?.map((issue) => issue.path)).toEqual([["data", "amount"], ["data", "currency"]]);
    expect(error.message).toContain("data.amount");
    expect(refusal(() => assertEventData("invoice.paid", "just text")).issues?.[0]?.path).toEqual(["data"]);
    expect(refusal(() => assertEventData("user.created", { userId: "usr_1", email: "not an address" })).issues?.[0]?.path).toEqual(["data", "email"]);
  });

  it("reads producer bytes for the check only: big integers and number formats stay as sent", async () => {
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/x" });
    const text = '{"invoiceId":"inv_9","amount":4200,"currency":"usd","ledgerSeq":9223372036854775807,"rate":1.50}';
    const { eventId } = await sendWebhookNotification(org.id, "invoice.paid", "raw-1", rawJson(text));
    expect((await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).body).toContain(`"data":${text}`);
    await expect(sendWebhookNotification(org.id, "invoice.paid", "raw-2", rawJson('{"invoiceId":"inv_9","amount":"12","currency":"usd"}'))).rejects.toMatchObject({
      code: "invalid_payload",
      issues: [expect.objectContaining({ path: ["data", "amount"] })],
    });
    expect(await prisma.webhookEvent.count({ where: { idempotencyKey: "raw-2" } })).toBe(0);
  });

  it("lets undeclared types through by default, and refuses them when the installation says so", async () => {
    const org = await makeOrganization();
    expect(declaredEventType("test.completed")).toBeUndefined();
    await expect(sendWebhookNotification(org.id, "test.completed", "allowed", { anything: [1, 2] })).resolves.toMatchObject({ duplicate: false });
    expect(() => assertEventData("test.completed", {}, "refuse")).toThrow(/not in the event catalogue/);
    process.env.WEBHOOK_UNDECLARED_EVENT_TYPES = "refuse";
    resetEnvCache();
    try {
      await expect(sendWebhookNotification(org.id, "test.completed", "refused", {})).rejects.toMatchObject({ code: "undeclared_event_type" });
      await expect(sendWebhookNotification(org.id, "invoice.paid", "declared", { invoiceId: "inv_1", amount: 1, currency: "usd" })).resolves.toMatchObject({ duplicate: false });
    } finally {
      delete process.env.WEBHOOK_UNDECLARED_EVENT_TYPES;
      resetEnvCache();
    }
  });
});

describe("the platform's own events match their schemas", () => {
  const dataOf = async (organizationId: string, eventType: string) => {
    const event = await prisma.webhookEvent.findFirstOrThrow({ where: { organizationId, eventType } });
    return JSON.parse(event.body).data as unknown;
  };

  it("webhook.test and delivery.exhausted", async () => {
    const receiver = await harness.receiver(respondWith(500));
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url, eventTypes: ["invoice.paid"] });
    await makeEndpoint({ organizationId: org.id, url: "https://listener.example.com/", eventTypes: ["delivery.exhausted"] });
    await sendTestEvent({ organizationId: org.id, endpointId: endpoint.id });
    await sendWebhookNotification(org.id, "invoice.paid", "will-exhaust", { invoiceId: "inv_1", amount: 1, currency: "usd" });
    await processDueDeliveries({ schedule: [0] });
    for (const name of ["webhook.test", "delivery.exhausted"]) {
      const data = await dataOf(org.id, name);
      expect({ name, result: declaredEventType(name)!.schema.safeParse(data).error?.issues ?? "ok" }).toEqual({ name, result: "ok" });
    }
  });

  it("endpoint.disabled", async () => {
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: "https://ops.example.com/", eventTypes: ["endpoint.disabled"] });
    const gone = await makeEndpoint({ organizationId: org.id, url: "https://gone.example.com/" });
    await prisma.webhookEndpoint.update({ where: { id: gone.endpoint.id }, data: { status: "disabled", disabledAt: new Date(), disabledReason: "410 Gone" } });
    await checkWebhookHealth({ force: true, notify: notifyAlerts });
    const data = await dataOf(org.id, "endpoint.disabled");
    expect(declaredEventType("endpoint.disabled")!.schema.safeParse(data).error?.issues ?? "ok").toBe("ok");
  });
});

describe("over HTTP", () => {
  it("GET /api/v1/event-types publishes the catalogue; the ingest API answers bad data 422 with the issues", async () => {
    const owner = await signUp("cat@example.com");
    const org = await createOrganization(owner, "Catalogue");
    const key = (await call(apiKeys.POST, { user: owner, org, body: { name: "backend" } })).body.key as string;
    const headers = { authorization: `Bearer ${key}` };

    const listed = await call(eventTypes.GET, { headers });
    expect(listed.status).toBe(200);
    expect(listed.body.undeclaredEventTypes).toBe("allow");
    expect(listed.body.eventTypes.map((type: { name: string }) => type.name)).toEqual(EVENT_CATALOGUE.map((definition) => definition.name));
    expect(listed.body.eventTypes.find((type: { name: string }) => type.name === "invoice.paid")).toMatchObject({
      schema: { required: ["invoiceId", "amount", "currency"] },
      example: { invoiceId: "inv_123" },
    });
    expect((await call(eventTypes.GET, {})).status).toBe(401);

    const refused = await call(ingest.POST, { headers, body: { event: "invoice.paid", idempotencyKey: "bad", data: { invoiceId: "inv_1", amount: 1.5, currency: "usd" } } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: "invalid_payload", issues: [{ path: ["data", "amount"], code: "invalid_type" }] });
    const accepted = await call(ingest.POST, { headers, body: { event: "invoice.paid", idempotencyKey: "good", data: { invoiceId: "inv_1", amount: 150, currency: "usd" } } });
    expect(accepted.status).toBe(202);
  });
});
