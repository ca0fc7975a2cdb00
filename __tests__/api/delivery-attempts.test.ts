import * as delivery from "@/app/api/webhooks/deliveries/[id]/route";
import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { sendWebhookNotification } from "@/lib/webhooks";
import { ATTEMPTS_PAGE_SIZE } from "@/lib/webhooks/history";
import { call, createOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { makeEndpoint } from "../helpers/fixtures";

setupTestDatabase();
setupAuth();

/** A delivery redelivered many times has many attempts of up to 64 KiB each: its detail is paged. */
let owner: TestUser;
let org: string;
let deliveryId: string;
const TOTAL = ATTEMPTS_PAGE_SIZE + 5;

beforeAll(async () => {
  owner = await signUp("attempts@a.example");
  org = await createOrganization(owner, "Attempts Org");
  const { endpoint } = await makeEndpoint({ organizationId: org, url: "https://hooks.example.com/in" });
  const { deliveries } = await sendWebhookNotification(org, "invoice.settled", "paged-1", { n: 1 });
  deliveryId = deliveries[0]!.id;
  const start = Date.now();
  await prisma.webhookAttempt.createMany({
    data: Array.from({ length: TOTAL }, (_, i) => ({
      id: newId("att"),
      organizationId: org,
      deliveryId,
      endpointId: endpoint.id,
      number: i + 1,
      trigger: "manual",
      startedAt: new Date(start + i * 1000),
      durationMs: 5,
      url: endpoint.url,
      requestHeaders: {},
      statusCode: 500,
      success: false,
    })),
  });
});

const numbers = (body: { delivery: { attemptLog: { number: number }[] } }) => body.delivery.attemptLog.map((attempt) => attempt.number);

it("pages attempts newest first, with the total and a cursor to older ones", async () => {
  const first = await call(delivery.GET, { user: owner, org, params: { id: deliveryId } });
  expect(first.status).toBe(200);
  expect(first.body.delivery.attemptsTotal).toBe(TOTAL);
  expect(numbers(first.body)).toEqual(Array.from({ length: ATTEMPTS_PAGE_SIZE }, (_, i) => TOTAL - i));
  expect(first.body.delivery.olderAttemptsBefore).toBe(TOTAL - ATTEMPTS_PAGE_SIZE + 1);

  const second = await call(delivery.GET, { user: owner, org, params: { id: deliveryId }, query: { attemptsBefore: String(first.body.delivery.olderAttemptsBefore) } });
  expect(numbers(second.body)).toEqual([5, 4, 3, 2, 1]);
  expect(second.body.delivery.olderAttemptsBefore).toBeNull();

  const small = await call(delivery.GET, { user: owner, org, params: { id: deliveryId }, query: { attemptsLimit: "3" } });
  expect(numbers(small.body)).toEqual([TOTAL, TOTAL - 1, TOTAL - 2]);
});

it.each<Record<string, string>>([{ attemptsLimit: "0" }, { attemptsLimit: "101" }, { attemptsBefore: "-1" }, { attemptsBefore: "x" }])("refuses %j with 400", async (query) => {
  const response = await call(delivery.GET, { user: owner, org, params: { id: deliveryId }, query });
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ error: "invalid_request" });
});
