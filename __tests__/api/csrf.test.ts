import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as endpoint from "@/app/api/webhooks/endpoints/[id]/route";
import * as ingest from "@/app/api/v1/events/route";
import * as apiKeys from "@/app/api/api-keys/route";
import { prisma } from "@/lib/db";
import { appOrigins, assertSameOriginWrite } from "@/lib/http/same-origin";
import { call, createOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";

setupTestDatabase();
setupAuth();

/** The app's own origin in tests (APP_URL unset, PORT unset → http://localhost:3000). */
const SELF = "http://localhost:3000";

let owner: TestUser;
let org: string;
beforeAll(async () => {
  owner = await signUp("csrf-owner@a.example");
  org = await createOrganization(owner, "CSRF Org");
});

/** A request as a browser would send it, with the owner's session cookie. */
function browserRequest(headers: Record<string, string>, body = JSON.stringify({ url: "https://hooks.example.com/in" }), method = "POST"): Request {
  return new Request(`${SELF}/api/webhooks/endpoints`, {
    method,
    headers: { cookie: owner.cookie, "x-organization-id": org, ...headers },
    body: method === "GET" ? undefined : body,
  });
}

const noParams = { params: Promise.resolve({}) };

describe("session-cookie writes from another site", () => {
  test.each<[string, Record<string, string>, number, string]>([
    ["a sibling subdomain (Sec-Fetch-Site: same-site)", { "sec-fetch-site": "same-site", origin: "https://evil.example.com", "content-type": "application/json" }, 403, "cross_site_request"],
    ["another site (Sec-Fetch-Site: cross-site)", { "sec-fetch-site": "cross-site", "content-type": "application/json" }, 403, "cross_site_request"],
    ["a foreign Origin without Sec-Fetch-Site", { origin: "https://evil.example", "content-type": "application/json" }, 403, "cross_site_request"],
    ["Origin: null (a sandboxed frame)", { origin: "null", "content-type": "application/json" }, 403, "cross_site_request"],
    ["a text/plain form post from an old browser", { "content-type": "text/plain" }, 415, "unsupported_media_type"],
    ["an urlencoded form post", { "content-type": "application/x-www-form-urlencoded" }, 415, "unsupported_media_type"],
    ["a multipart form post", { "content-type": "multipart/form-data; boundary=x" }, 415, "unsupported_media_type"],
  ])("%s is refused and creates nothing", async (_label, headers, status, code) => {
    const response = await endpoints.POST(browserRequest(headers), noParams);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: code });
    expect(await prisma.webhookEndpoint.count({ where: { organizationId: org } })).toBe(0);
  });

  test.each<[string, Record<string, string>]>([
    ["the app's own page", { "sec-fetch-site": "same-origin", origin: SELF, "content-type": "application/json" }],
    ["the app on 127.0.0.1", { origin: "http://127.0.0.1:3000", "content-type": "application/json; charset=utf-8" }],
    ["a script without browser headers (curl)", { "content-type": "application/json" }],
  ])("%s may write", async (_label, headers) => {
    const response = await endpoints.POST(browserRequest(headers), noParams);
    expect(response.status).toBe(201);
    await prisma.webhookEndpoint.deleteMany();
  });

  it("a GET is never refused: it changes nothing", async () => {
    const response = await endpoints.GET(browserRequest({ "sec-fetch-site": "cross-site" }, "", "GET"), noParams);
    expect(response.status).toBe(200);
  });

  it("covers DELETE too", async () => {
    const created = await call(endpoints.POST, { user: owner, org, body: { url: "https://hooks.example.com/in" } });
    const id = created.body.endpoint.id as string;
    const request = new Request(`${SELF}/api/webhooks/endpoints/${id}`, {
      method: "DELETE",
      headers: { cookie: owner.cookie, "x-organization-id": org, "sec-fetch-site": "same-site" },
    });
    const response = await endpoint.DELETE(request, { params: Promise.resolve({ id }) });
    expect(response.status).toBe(403);
    expect(await prisma.webhookEndpoint.count({ where: { id } })).toBe(1);
  });

  it("leaves API-key requests without cookies alone", async () => {
    const created = await call(apiKeys.POST, { user: owner, org, body: { name: "backend" } });
    const request = new Request(`${SELF}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.body.key}`, origin: "https://elsewhere.example", "sec-fetch-site": "cross-site", "content-type": "application/json" },
      body: JSON.stringify({ event: "invoice.settled", idempotencyKey: "csrf-1", data: {} }),
    });
    expect((await ingest.POST(request, noParams)).status).toBe(202);
  });
});

describe("appOrigins", () => {
  it.each([
    ["http://localhost:3000", ["http://localhost:3000", "http://127.0.0.1:3000"]],
    ["https://hooks.example.com/", ["https://hooks.example.com"]],
    ["https://hooks.example.com:443", ["https://hooks.example.com"]],
  ])("%s → %j", (appUrl, origins) => {
    expect(appOrigins(appUrl)).toEqual(origins);
  });
});

describe("assertSameOriginWrite", () => {
  const allowed = ["https://app.example.com"];
  it("lets a body-less POST through without a content type (send test event)", () => {
    expect(() => assertSameOriginWrite(new Request("https://app.example.com/x", { method: "POST" }), allowed)).not.toThrow();
  });
  it("refuses a body without a content type", () => {
    const request = new Request("https://app.example.com/x", { method: "POST", body: new Blob(["{}"]) });
    request.headers.delete("content-type");
    expect(() => assertSameOriginWrite(request, allowed)).toThrow(expect.objectContaining({ status: 415 }));
  });
});
