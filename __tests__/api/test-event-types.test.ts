import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as endpointTest from "@/app/api/webhooks/endpoints/[id]/test/route";
import * as classicTest from "@/app/api/webhooks/test/route";
import { prisma } from "@/lib/db";
import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery } from "../helpers/fixtures";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";

/**
 * "Send test event" with an event type from the catalogue: the receiver gets that type's
 * sample, marked as a test by its `test-` idempotency key; unknown names are a 400 and
 * types the endpoint does not receive a 422, before anything is sent.
 */
setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

let receiver: Receiver;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  receiver = await startReceiver(respondWith(200, {}, "thanks"));
  owner = await signUp("owner@a.example");
  orgA = await createOrganization(owner, "Org A");
  member = await signUp("member@a.example");
  await joinOrganization(member, orgA, "member");
  outsider = await signUp("owner@b.example");
  orgB = await createOrganization(outsider, "Org B");
});
beforeEach(async () => {
  receiver.requests.length = 0;
  await prisma.webhookEndpoint.deleteMany();
  await prisma.webhookEvent.deleteMany();
});
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

async function createEndpoint(body: Record<string, unknown> = {}, user = owner, org = orgA): Promise<string> {
  const response = await call(endpoints.POST, { user, org, body: { url: receiver.url, ...body } });
  expect(response.status).toBe(201);
  return response.body.endpoint.id;
}

const sample = (name: string) => EVENT_CATALOGUE.find((definition) => definition.name === name)!.example;

describe("POST /api/webhooks/endpoints/[id]/test with an eventType", () => {
  it("sends the chosen type's sample, marked as a test, and records it as that type", async () => {
    const id = await createEndpoint();
    const response = await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: { eventType: "invoice.paid" } });
    expect(response.status).toBe(200);
    expect(response.body.result).toMatchObject({ success: true, statusCode: 200, status: "delivered" });

    expect(receiver.requests).toHaveLength(1);
    const received = JSON.parse(receiver.requests[0]!.body);
    expect(received).toEqual({ event: "invoice.paid", idempotencyKey: `test-${response.body.result.deliveryId}`, timestamp: expect.any(String), data: sample("invoice.paid") });
    expect(receiver.requests[0]!.headers["webhook-id"]).toBe(response.body.result.deliveryId);

    const delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: response.body.result.deliveryId }, include: { webhookEvent: true } });
    expect(delivery).toMatchObject({ event: "invoice.paid", organizationId: orgA, endpointId: id, idempotencyKey: received.idempotencyKey });
    expect(delivery.webhookEvent.body).toBe(receiver.requests[0]!.body);
    expect(await prisma.webhookAttempt.findFirst({ where: { deliveryId: delivery.id } })).toMatchObject({ trigger: "test", success: true });
  });

  it("sends webhook.test when no type is named", async () => {
    const id = await createEndpoint();
    const response = await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: {} });
    expect(response.status).toBe(200);
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ event: "webhook.test", idempotencyKey: expect.stringMatching(/^test-msg_/), data: { ...sample("webhook.test"), endpointId: id } });
  });

  it.each([["invoice.refunded"], ["Invoice.Paid"], [""], [42]])("answers 400 for %p, naming the allowed types, and sends nothing", async (eventType) => {
    const id = await createEndpoint();
    const response = await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: { eventType } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: "invalid_request" });
    expect(response.body.issues).toEqual([expect.objectContaining({ path: ["body", "eventType"], message: expect.stringContaining("invoice.paid") })]);
    expect(receiver.requests).toHaveLength(0);
    expect(await prisma.webhookDelivery.count()).toBe(0);
  });

  it("answers 422 for a type the endpoint does not receive; webhook.test and its own types go", async () => {
    const id = await createEndpoint({ eventTypes: ["user.created"] });
    const refused = await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: { eventType: "invoice.paid" } });
    expect(refused).toMatchObject({ status: 422, body: { error: "invalid_event_type", message: expect.stringContaining("user.created") } });
    expect(receiver.requests).toHaveLength(0);
    expect(await prisma.webhookDelivery.count()).toBe(0);

    expect((await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: { eventType: "user.created" } })).status).toBe(200);
    expect((await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: { eventType: "webhook.test" } })).status).toBe(200);
    expect(receiver.requests.map((request) => JSON.parse(request.body).event)).toEqual(["user.created", "webhook.test"]);
  });

  it("answers 403 to a member and 404 for another organization's endpoint", async () => {
    const id = await createEndpoint();
    const asMember = await call(endpointTest.POST, { user: member, org: orgA, params: { id }, body: { eventType: "invoice.paid" } });
    expect(asMember).toMatchObject({ status: 403, body: { error: "forbidden" } });
    const theirs = await createEndpoint({}, outsider, orgB);
    expect((await call(endpointTest.POST, { user: owner, org: orgA, params: { id: theirs }, body: { eventType: "invoice.paid" } })).status).toBe(404);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe("POST /api/webhooks/test with an eventType", () => {
  it("sends the chosen type's sample with a test- key, and answers 400 for an unknown type", async () => {
    const sent = await call(classicTest.POST, { user: outsider, org: orgB, body: { webhookUrl: receiver.url, eventType: "user.deleted" } });
    expect(sent.status).toBe(200);
    expect(sent.body.result).toMatchObject({ success: true, statusCode: 200 });
    expect(JSON.parse(receiver.requests[0]!.body)).toEqual({ event: "user.deleted", idempotencyKey: expect.stringMatching(/^test-msg_/), timestamp: expect.any(String), data: sample("user.deleted") });

    const unknown = await call(classicTest.POST, { user: outsider, org: orgB, body: { webhookUrl: receiver.url, eventType: "user.exploded" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([expect.objectContaining({ path: ["body", "eventType"] })]);
    expect(receiver.requests).toHaveLength(1);
  });
});
