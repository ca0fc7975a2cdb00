import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as diagnoseRoute from "@/app/api/webhooks/endpoints/[id]/diagnose/route";
import * as endpointTest from "@/app/api/webhooks/endpoints/[id]/test/route";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { withEnv } from "../helpers/env";
import { allowLoopbackDelivery } from "../helpers/fixtures";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";

/**
 * POST /api/webhooks/endpoints/[id]/diagnose: owners and admins of the endpoint's organization
 * only; the steps as JSON; its signed request counts against the test-send limit it shares with
 * "Send test event".
 */
withEnv({ RATE_LIMIT_TEST_SENDS: "3/1h" });
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
  receiver = await startReceiver(respondWith(403, {}, "bad signature"));
  owner = await signUp("owner@diagnose-a.example");
  orgA = await createOrganization(owner, "Org A");
  member = await signUp("member@diagnose-a.example");
  await joinOrganization(member, orgA, "member");
  outsider = await signUp("owner@diagnose-b.example");
  orgB = await createOrganization(outsider, "Org B");
});
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

describe("POST /api/webhooks/endpoints/[id]/diagnose", () => {
  it("answers a manager with every step, refuses members and other organizations, and shares the test-send limit", async () => {
    const created = await call(endpoints.POST, { user: owner, org: orgA, body: { url: receiver.url } });
    expect(created.status).toBe(201);
    const id = created.body.endpoint.id as string;

    const response = await call(diagnoseRoute.POST, { user: owner, org: orgA, params: { id } });
    expect(response.status).toBe(200);
    const { diagnosis } = response.body;
    expect(diagnosis).toMatchObject({ endpointId: id, host: "127.0.0.1", healthy: false, throughProxy: false });
    expect(diagnosis.steps.map((step: { name: string; status: string }) => `${step.name}:${step.status}`)).toEqual([
      "dns:passed",
      "tcp:passed",
      "tls:skipped",
      "request:warning",
      "signature:failed",
    ]);
    expect(diagnosis.steps[3].response).toMatchObject({ statusCode: 403, excerpt: "bad signature" });
    expect(diagnosis.steps[4].guide).toBe("/docs/webhooks#troubleshoot-signature");
    expect(receiver.requests).toHaveLength(1);

    expect((await call(diagnoseRoute.POST, { user: member, org: orgA, params: { id } })).status).toBe(403);
    expect((await call(diagnoseRoute.POST, { user: outsider, org: orgB, params: { id } })).status).toBe(404);
    expect((await call(diagnoseRoute.POST, { user: owner, org: orgA, params: { id: "ep_nope" } })).status).toBe(400);

    // Limit 3: the diagnosis above, one test send, one more diagnosis; the fourth is refused.
    expect((await call(endpointTest.POST, { user: owner, org: orgA, params: { id }, body: {} })).status).toBe(200);
    expect((await call(diagnoseRoute.POST, { user: owner, org: orgA, params: { id } })).status).toBe(200);
    const limited = await call(diagnoseRoute.POST, { user: owner, org: orgA, params: { id } });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe("rate_limited");
    expect(receiver.requests).toHaveLength(3);
  });
});
