import * as receiverRoute from "@/app/api/dev/inbox/[token]/route";
import * as requestsRoute from "@/app/api/dev/inbox/[token]/requests/route";
import InboxPage from "@/app/dev/inbox/[token]/page";
import { prisma } from "@/lib/db";
import { createInbox, INBOX_BODY_CAP_BYTES, inboxUrl, listInboxRequests, type InboxView } from "@/lib/dev-inbox/inbox";
import { receiveInboxRequest } from "@/lib/dev-inbox/receive";
import { loadInspector } from "@/lib/dev-inbox/inspector";
import { rotateEndpointSecret } from "@/lib/webhooks/endpoints";
import { signingSecrets } from "@/lib/webhooks/secrets";
import { buildWebhookHeaders } from "@/lib/webhooks/sign";
import { generateSigningKeyPair } from "@/lib/webhooks/signing-keys";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint } from "../helpers/fixtures";

setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

const APP_URL = "http://localhost:3000";

/** Sets APP_ENV (undefined: unset) for the tests of this file; restored afterwards. */
let savedAppEnv: string | undefined;
beforeAll(() => {
  savedAppEnv = process.env.APP_ENV;
  process.env.APP_ENV = "development";
});
afterAll(() => {
  if (savedAppEnv === undefined) delete process.env.APP_ENV;
  else process.env.APP_ENV = savedAppEnv;
});
function setAppEnv(value: string | undefined) {
  if (value === undefined) delete process.env.APP_ENV;
  else process.env.APP_ENV = value;
}

let owner: TestUser;
let outsider: TestUser;
let orgId: string;
let inbox: InboxView;
let secret: string;
let endpointId: string;

beforeAll(async () => {
  owner = await signUp("owner@inbox.example");
  orgId = await createOrganization(owner, "Inbox Org");
  outsider = await signUp("owner@other.example");
  await createOrganization(outsider, "Other Org");
});
beforeEach(async () => {
  process.env.APP_ENV = "development";
  await prisma.devInbox.deleteMany();
  await prisma.webhookEndpoint.deleteMany();
  inbox = await createInbox({ organizationId: orgId, label: "Demo receiver" });
  const created = await makeEndpoint({ organizationId: orgId, url: inboxUrl(APP_URL, inbox.token) });
  secret = created.secret;
  endpointId = created.endpoint.id;
});

/** POSTs `body` to the receiver route the way the transport does: exact bytes, given headers. */
async function post(token: string, body: BodyInit | null, headers: Record<string, string> = {}, method = "POST"): Promise<Response> {
  const request = new Request(inboxUrl(APP_URL, token), { method, headers, body, duplex: "half" } as RequestInit);
  return receiverRoute.POST(request, { params: Promise.resolve({ token }) });
}

function signedHeaders(body: string, secrets = [secret], messageId = "msg_01jinboxtest") {
  return buildWebhookHeaders({ messageId, eventType: "invoice.settled", eventTimestamp: "2026-12-02T12:00:00.000Z", body, secrets, attemptAt: new Date() });
}

const stored = () => prisma.devInboxRequest.findMany({ orderBy: { seq: "asc" } });

describe("the receiver", () => {
  // Bodies whose bytes change if anything parses and re-serialises them, or decodes text carelessly.
  it.each([
    ["compact JSON", '{"event":"invoice.settled","data":{"invoiceId":"inv_1"}}'],
    ["spacing, 1.0, an escaped é, a big integer", '{ "event" : "invoice.settled",\n  "data": {"amount": 1.0, "note": "caf\\u00e9 ü", "n": 123456789012345678901234567890} }\n'],
    ["a byte-order mark", '\uFEFF{"event":"invoice.settled"}'],
  ])("records method, headers and the raw body (%s) byte for byte, and both signatures verify", async (_label, body) => {
    const headers = signedHeaders(body);
    const response = await post(inbox.token, body, headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: true, seq: 1 });

    const [view, ...others] = await listInboxRequests({ inboxId: inbox.id });
    expect(others).toEqual([]);
    expect(view).toMatchObject({
      method: "POST",
      bodyEncoding: "utf8",
      eventType: "invoice.settled",
      webhookId: "msg_01jinboxtest",
      legacySignatureValid: true,
      standardSignatureValid: true,
      matchedEndpointId: endpointId,
    });
    expect(Buffer.from(view!.body, "utf8").equals(Buffer.from(body, "utf8"))).toBe(true);
    expect(view!.headers).toMatchObject({
      "x-webhook-event": "invoice.settled",
      "x-webhook-signature": headers["x-webhook-signature"],
      "webhook-id": "msg_01jinboxtest",
      "webhook-timestamp": headers["webhook-timestamp"],
      "webhook-signature": headers["webhook-signature"],
      "content-type": "application/json",
    });
  });

  it("says both signatures are invalid for a tampered body, naming the endpoint it checked", async () => {
    const body = '{"event":"invoice.settled","data":{"amount":4200}}';
    const headers = signedHeaders(body);
    expect((await post(inbox.token, body.replace("4200", "4201"), headers)).status).toBe(200);
    expect(await stored()).toEqual([
      expect.objectContaining({ legacySignatureValid: false, standardSignatureValid: false, matchedEndpointId: endpointId }),
    ]);
  });

  it("says invalid for another secret, valid for the previous secret during a rotation's grace", async () => {
    const body = '{"event":"invoice.settled"}';
    await post(inbox.token, body, signedHeaders(body, ["whsec_" + Buffer.alloc(32, 1).toString("base64")]));
    await rotateEndpointSecret({ organizationId: orgId, endpointId });
    await post(inbox.token, body, signedHeaders(body, [secret]));
    expect((await stored()).map((row) => [row.legacySignatureValid, row.standardSignatureValid])).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  it("verifies an Ed25519 endpoint's v1a signature with its key, and says the legacy header, which it never sends, was not checked", async () => {
    await prisma.webhookEndpoint.deleteMany();
    const { endpoint } = await makeEndpoint({ organizationId: orgId, url: inboxUrl(APP_URL, inbox.token), signatureScheme: "ed25519" });
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    const privateKeys = signingSecrets(row, new Date());
    const body = '{"event":"invoice.settled","data":{"amount":4200}}';
    const headers = signedHeaders(body, privateKeys);
    expect(headers["x-webhook-signature"]).toBeUndefined();

    await post(inbox.token, body, headers);
    await post(inbox.token, body.replace("4200", "4201"), headers);
    // A forger holding only some other key pair.
    await post(inbox.token, body, signedHeaders(body, [generateSigningKeyPair().privateKey]));
    expect((await stored()).map((stored) => [stored.legacySignatureValid, stored.standardSignatureValid, stored.matchedEndpointId])).toEqual([
      [null, true, endpoint.id],
      [null, false, endpoint.id],
      [null, false, endpoint.id],
    ]);
  });

  it("checks nothing when no endpoint points at the inbox, and finds one that does on another host", async () => {
    const body = '{"event":"customer.created"}';
    const lonely = await createInbox({ organizationId: orgId });
    await post(lonely.token, body, signedHeaders(body));
    const elsewhere = await createInbox({ organizationId: orgId });
    const other = await makeEndpoint({ organizationId: orgId, url: inboxUrl("http://127.0.0.1:4000", elsewhere.token) });
    await post(elsewhere.token, body, signedHeaders(body, [other.secret]));
    const rows = await prisma.devInboxRequest.findMany({ orderBy: { receivedAt: "asc" }, include: { inbox: true } });
    expect(rows.map((row) => [row.inbox.token, row.legacySignatureValid, row.standardSignatureValid, row.matchedEndpointId])).toEqual([
      [lonely.token, null, null, null],
      [elsewhere.token, true, true, other.endpoint.id],
    ]);
  });

  it("ignores another organization's endpoint on the same URL", async () => {
    const otherOrg = await prisma.organization.findFirstOrThrow({ where: { name: "Other Org" } });
    const lonely = await createInbox({ organizationId: orgId });
    const foreign = await makeEndpoint({ organizationId: otherOrg.id, url: inboxUrl(APP_URL, lonely.token) });
    const body = '{"event":"invoice.settled"}';
    await post(lonely.token, body, signedHeaders(body, [foreign.secret]));
    expect(await stored()).toEqual([expect.objectContaining({ legacySignatureValid: null, standardSignatureValid: null, matchedEndpointId: null })]);
  });

  it("records any method, an empty body, a body that is not UTF-8 (as base64), and redacts cookies", async () => {
    expect((await post(inbox.token, null, { cookie: "session=secret" }, "DELETE")).status).toBe(200);
    const bytes = Buffer.from([0xff, 0x00, 0x41]);
    expect((await post(inbox.token, bytes, { "content-type": "application/octet-stream" }, "PUT")).status).toBe(200);
    const rows = await stored();
    expect(rows.map((row) => [row.method, row.body, row.bodyEncoding])).toEqual([
      ["DELETE", "", "utf8"],
      ["PUT", bytes.toString("base64"), "base64"],
    ]);
    expect((await listInboxRequests({ inboxId: inbox.id }))[0]).toMatchObject({ body: bytes.toString("base64"), bodyEncoding: "base64" });
    expect(rows[0]!.headers).toMatchObject({ cookie: "[redacted]" });
    expect(rows[1]).toMatchObject({ legacySignatureValid: false, standardSignatureValid: false });
  });

  it("accepts a body at the cap and refuses one byte more with 413, storing nothing", async () => {
    const atCap = "x".repeat(INBOX_BODY_CAP_BYTES);
    expect((await post(inbox.token, atCap)).status).toBe(200);
    await prisma.devInboxRequest.deleteMany();

    const declared = await post(inbox.token, atCap + "x");
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: "payload_too_large" });
    // Streamed without Content-Length: refused once the bytes pass the cap.
    const chunk = new Uint8Array(64 * 1024).fill(120);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > INBOX_BODY_CAP_BYTES) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    expect((await post(inbox.token, stream)).status).toBe(413);
    expect(await prisma.devInboxRequest.count()).toBe(0);
    expect(await prisma.devInbox.findUniqueOrThrow({ where: { id: inbox.id } })).toMatchObject({ lastSeq: 1 });
  });

  it("answers a failing inbox's status and still records the request", async () => {
    const failing = await createInbox({ organizationId: orgId, failWithStatus: 503 });
    const response = await post(failing.token, '{"event":"invoice.settled"}');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "inbox_fails_on_purpose" });
    expect(await prisma.devInboxRequest.count({ where: { inboxId: failing.id } })).toBe(1);
  });

  it.each([
    ["an unknown token", "A".repeat(32)],
    ["a malformed token", "not-a-token"],
  ])("answers an empty 404 to %s and stores nothing", async (_label, token) => {
    const response = await post(token, '{"event":"invoice.settled"}');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("");
    expect(await prisma.devInboxRequest.count()).toBe(0);
  });

  it("keeps the newest requests of an inbox", async () => {
    const receive = (n: number, keep?: number) =>
      receiveInboxRequest({ token: inbox.token, request: new Request(inboxUrl(APP_URL, inbox.token), { method: "POST", body: `{"n":${n}}` }), keep });
    for (let n = 1; n <= 8; n++) await receive(n, 5);
    const rows = await stored();
    expect(rows.map((row) => [row.seq, row.body])).toEqual([4, 5, 6, 7, 8].map((n) => [n, `{"n":${n}}`]));
    await receive(9);
    expect(await prisma.devInboxRequest.count()).toBe(6);
  });
});

it("gives concurrent requests distinct, consecutive sequence numbers", async () => {
  await Promise.all(Array.from({ length: 20 }, (_, n) => post(inbox.token, `{"n":${n}}`)));
  expect((await stored()).map((row) => row.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
});

describe("the JSON listing and the page data", () => {
  it("gives a member the requests newest first, and only newer ones after a seq", async () => {
    for (const n of [1, 2, 3]) await post(inbox.token, JSON.stringify({ event: "invoice.settled", n }), signedHeaders(JSON.stringify({ event: "invoice.settled", n })));
    const all = await call(requestsRoute.GET as never, { user: owner, params: { token: inbox.token } });
    expect(all.status).toBe(200);
    expect(all.headers.get("cache-control")).toBe("no-store");
    expect(all.body.inbox).toEqual({ label: "Demo receiver", failWithStatus: null });
    expect(all.body.requests.map((request: { seq: number }) => request.seq)).toEqual([3, 2, 1]);
    expect(all.body.requests[0]).toMatchObject({
      method: "POST",
      eventType: "invoice.settled",
      webhookId: "msg_01jinboxtest",
      legacySignatureValid: true,
      standardSignatureValid: true,
      body: '{"event":"invoice.settled","n":3}',
    });
    const newer = await call(requestsRoute.GET as never, { user: owner, params: { token: inbox.token }, query: { after: "2" } });
    expect(newer.body.requests.map((request: { seq: number }) => request.seq)).toEqual([3]);
    expect((await call(requestsRoute.GET as never, { user: owner, params: { token: inbox.token }, query: { after: "soon" } })).status).toBe(400);
  });

  it("takes the event type from the body when the header is missing", async () => {
    await post(inbox.token, '{"event":"customer.created","data":{}}');
    const listed = await call(requestsRoute.GET as never, { user: owner, params: { token: inbox.token } });
    expect(listed.body.requests[0]).toMatchObject({ eventType: "customer.created", webhookId: null, legacySignatureValid: false });
  });

  it("refuses a signed-in user of another organization with 404, and asks anonymous callers to sign in", async () => {
    await post(inbox.token, '{"event":"invoice.settled"}');
    const foreign = await call(requestsRoute.GET as never, { user: outsider, params: { token: inbox.token } });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toBeNull();
    expect(await loadInspector({ token: inbox.token, headers: new Headers({ cookie: outsider.cookie }) })).toEqual({ kind: "not_found" });

    expect((await call(requestsRoute.GET as never, { params: { token: inbox.token } })).status).toBe(401);
    expect(await loadInspector({ token: inbox.token, headers: new Headers() })).toEqual({ kind: "sign_in" });
  });

  it("shows a member the inbox even when another organization is their active one", async () => {
    const member = await signUp(`member-${Date.now()}@inbox.example`);
    await joinOrganization(member, orgId, "member");
    await createOrganization(member, "Member's Own Org"); // now the active one
    const result = await loadInspector({ token: inbox.token, headers: new Headers({ cookie: member.cookie }) });
    expect(result).toMatchObject({ kind: "ok", inbox: { id: inbox.id }, receiverUrl: expect.stringMatching(new RegExp(`/api/dev/inbox/${inbox.token}$`)) });
    const owned = await loadInspector({ token: inbox.token, headers: new Headers({ cookie: owner.cookie }) });
    expect(owned.kind === "ok" && owned.inboxes.map((one) => one.id)).toEqual([inbox.id]);
  });
});

describe.each([
  ["production (APP_ENV=production)", "production"],
  ["a process whose mode no entry point decided (APP_ENV unset)", undefined],
])("in %s", (_label, appEnv) => {
  let savedNodeEnv: string | undefined;
  beforeEach(() => {
    savedNodeEnv = process.env.NODE_ENV;
    setAppEnv(appEnv);
  });
  afterEach(() => {
    (process.env as Record<string, string | undefined>).NODE_ENV = savedNodeEnv;
  });

  it("the receiver answers an empty 404 and records nothing", async () => {
    const body = '{"event":"invoice.settled"}';
    const response = await post(inbox.token, body, signedHeaders(body));
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("");
    expect(await prisma.devInboxRequest.count()).toBe(0);
  });

  it("the JSON listing answers an empty 404, even to a member", async () => {
    const response = await call(requestsRoute.GET as never, { user: owner, params: { token: inbox.token } });
    expect([response.status, response.body]).toEqual([404, null]);
    expect(await loadInspector({ token: inbox.token, headers: new Headers({ cookie: owner.cookie }) })).toEqual({ kind: "not_found" });
  });

  it("the page is not found", async () => {
    await expect(InboxPage({ params: Promise.resolve({ token: inbox.token }) })).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;404" });
  });

  it("stays off whatever NODE_ENV says", async () => {
    (process.env as Record<string, string | undefined>).NODE_ENV = "development";
    expect((await post(inbox.token, "{}")).status).toBe(404);
  });
});

it("a development start serves the same request again once APP_ENV says development (checked per request)", async () => {
  setAppEnv("production");
  expect((await post(inbox.token, "{}")).status).toBe(404);
  setAppEnv("development");
  expect((await post(inbox.token, "{}")).status).toBe(200);
});
