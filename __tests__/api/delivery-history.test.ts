import * as deliveries from "@/app/api/webhooks/deliveries/route";
import { sendWebhookNotification } from "@/lib/webhooks";
import { call, createOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { makeEndpoint } from "../helpers/fixtures";

setupTestDatabase();
setupAuth();

/** GET /api/webhooks/deliveries: both cursors, the count, event-type prefixes, and a 400 naming the issue for bad input. */
let owner: TestUser;
let org: string;

beforeAll(async () => {
  owner = await signUp("history@a.example");
  org = await createOrganization(owner, "History Org");
  await makeEndpoint({ organizationId: org, url: "https://hooks.example.com/in" });
  for (let i = 0; i < 5; i++) await sendWebhookNotification(org, i % 2 ? "invoice.created" : "invoice.settled", `order-${i}`, { i });
  await sendWebhookNotification(org, "user.joined", "user-1", { id: 1 });
});

const keys = (body: { items: { idempotencyKey: string }[] }) => body.items.map((item) => item.idempotencyKey);
const list = (query: Record<string, string>) => call(deliveries.GET, { user: owner, org, query });

it("pages older with nextCursor and newer with prevCursor, and counts the matches", async () => {
  const first = await list({ limit: "2" });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ count: 6, countCapped: false, prevCursor: null });
  expect(keys(first.body)).toEqual(["user-1", "order-4"]);
  const second = await list({ limit: "2", cursor: first.body.nextCursor });
  expect(keys(second.body)).toEqual(["order-3", "order-2"]);
  const third = await list({ limit: "2", cursor: second.body.nextCursor });
  expect(keys(third.body)).toEqual(["order-1", "order-0"]);
  expect(third.body.nextCursor).toBeNull();
  const back = await list({ limit: "2", cursor: third.body.prevCursor });
  expect(keys(back.body)).toEqual(["order-3", "order-2"]);
  const newest = await list({ limit: "2", cursor: back.body.prevCursor });
  expect(newest.body).toMatchObject({ prevCursor: null, nextCursor: first.body.nextCursor });
  expect(keys(newest.body)).toEqual(keys(first.body));
});

it("filters by derived status and by event-type prefix", async () => {
  const pending = await list({ status: "pending" });
  expect(pending.body.count).toBe(6);
  expect(pending.body.items.every((item: { state: { outcome: string } }) => item.state.outcome === "pending")).toBe(true);
  expect((await list({ status: "retrying" })).body).toMatchObject({ items: [], count: 0 });
  expect(keys((await list({ eventType: "invoice." })).body)).toEqual(["order-4", "order-3", "order-2", "order-1", "order-0"]);
  expect(keys((await list({ eventType: "invoice.*" })).body)).toHaveLength(5);
  expect(keys((await list({ eventType: "invoice.settled" })).body)).toEqual(["order-4", "order-2", "order-0"]);
  expect((await list({ eventType: "invoice%*" })).body.count).toBe(0);
});

it.each<[string, Record<string, string>, string, string]>([
  ["an unknown status", { status: "bogus" }, "status", "pending"],
  ["a cursor that is not one", { cursor: "not a cursor" }, "cursor", "is not a cursor from this API"],
  ["a forged cursor", { cursor: Buffer.from("n|yesterday|msg_1").toString("base64url") }, "cursor", "is not a cursor from this API"],
  ["a cursor too long", { cursor: "a".repeat(201) }, "cursor", "too long"],
  ["a prefix too long", { eventType: `${"a".repeat(129)}*` }, "eventType", "at most 128 characters"],
  ["a star inside the event type", { eventType: "invoice*.paid" }, "eventType", "must have * only at the end"],
  ["a star alone", { eventType: "*" }, "eventType", "must name a prefix before *"],
])("answers 400 naming the issue for %s", async (_label, query, field, message) => {
  const response = await list(query);
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ error: "invalid_request" });
  expect(response.body.issues).toEqual([expect.objectContaining({ path: ["query", field], message: expect.stringContaining(message) })]);
});
