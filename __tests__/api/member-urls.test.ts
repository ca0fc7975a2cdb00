import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as endpoint from "@/app/api/webhooks/endpoints/[id]/route";
import * as deliveries from "@/app/api/webhooks/deliveries/route";
import * as delivery from "@/app/api/webhooks/deliveries/[id]/route";
import { processDueDeliveries, sendWebhookNotification } from "@/lib/webhooks";
import { displayUrl } from "@/lib/webhooks/endpoints";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery } from "../helpers/fixtures";
import { startReceiver, type Receiver } from "../helpers/receiver";

setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

/** Endpoint URLs often carry tokens: members read history, and see scheme and host only. */
let receiver: Receiver;
let owner: TestUser;
let member: TestUser;
let org: string;
let endpointId: string;
let deliveryId: string;
let url: string;

beforeAll(async () => {
  receiver = await startReceiver();
  owner = await signUp("url-owner@a.example");
  org = await createOrganization(owner, "URL Org");
  member = await signUp("url-member@a.example");
  await joinOrganization(member, org, "member");
  url = `${receiver.url}/in?token=s3cr3t-token`;
  const created = await call(endpoints.POST, { user: owner, org, body: { url } });
  endpointId = created.body.endpoint.id;
  await sendWebhookNotification(org, "invoice.settled", "member-urls-1", { n: 1 });
  await processDueDeliveries();
  deliveryId = (await call(deliveries.GET, { user: owner, org })).body.items[0].id;
});
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

const masked = () => displayUrl(url, false);

it("masks to scheme and host", () => {
  expect(masked()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…$/);
  expect(displayUrl("https://hooks.example.com:8443/a/b?token=x", false)).toBe("https://hooks.example.com:8443/…");
  expect(displayUrl("not a url", false)).toBe("…");
});

it.each([
  ["the endpoint list", async (user: TestUser) => (await call(endpoints.GET, { user, org })).body.endpoints[0].url],
  ["one endpoint", async (user: TestUser) => (await call(endpoint.GET, { user, org, params: { id: endpointId } })).body.endpoint.url],
  ["the delivery list", async (user: TestUser) => (await call(deliveries.GET, { user, org })).body.items[0].endpointUrl],
  ["one delivery's endpoint", async (user: TestUser) => (await call(delivery.GET, { user, org, params: { id: deliveryId } })).body.delivery.endpoint.url],
  ["one delivery's attempts", async (user: TestUser) => (await call(delivery.GET, { user, org, params: { id: deliveryId } })).body.delivery.attemptLog[0].url],
])("%s: the owner sees the whole URL, a member only its host", async (_label, read) => {
  expect(await read(owner)).toBe(url);
  const seen = await read(member);
  expect(seen).toBe(masked());
  expect(seen).not.toContain("s3cr3t");
});
