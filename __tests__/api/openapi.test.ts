import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import * as apiKey from "@/app/api/api-keys/[id]/route";
import * as apiKeys from "@/app/api/api-keys/route";
import * as auditLog from "@/app/api/audit-log/route";
import * as healthLive from "@/app/api/health/live/route";
import * as health from "@/app/api/health/route";
import * as prometheus from "@/app/api/metrics/route";
import * as openapi from "@/app/api/openapi.json/route";
import * as organization from "@/app/api/organization/route";
import * as organizationSecurity from "@/app/api/organization/security/route";
import * as eventTypes from "@/app/api/v1/event-types/route";
import * as batch from "@/app/api/v1/events/batch/route";
import * as events from "@/app/api/v1/events/route";
import * as listenAnswers from "@/app/api/v1/listen/[id]/answers/route";
import * as listenStream from "@/app/api/v1/listen/[id]/stream/route";
import * as listen from "@/app/api/v1/listen/route";
import * as redeliver from "@/app/api/webhooks/deliveries/[id]/redeliver/route";
import * as delivery from "@/app/api/webhooks/deliveries/[id]/route";
import * as deliveries from "@/app/api/webhooks/deliveries/route";
import * as diagnose from "@/app/api/webhooks/endpoints/[id]/diagnose/route";
import * as publicKey from "@/app/api/webhooks/endpoints/[id]/public-key/route";
import * as recover from "@/app/api/webhooks/endpoints/[id]/recover/route";
import * as rotate from "@/app/api/webhooks/endpoints/[id]/rotate-secret/route";
import * as endpoint from "@/app/api/webhooks/endpoints/[id]/route";
import * as secret from "@/app/api/webhooks/endpoints/[id]/secret/route";
import * as endpointTest from "@/app/api/webhooks/endpoints/[id]/test/route";
import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as jsonMetrics from "@/app/api/webhooks/metrics/route";
import * as settings from "@/app/api/webhooks/settings/route";
import * as classicTest from "@/app/api/webhooks/test/route";
import { prisma } from "@/lib/db";
import { buildOpenApiDocument, HTTP_METHODS, openApiPath, type HttpMethod } from "@/lib/http/openapi";
import { OPENAPI_EXCLUDED, OPENAPI_ROUTES } from "@/lib/http/openapi-routes";
import { processDueDeliveries } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { call, createOrganization, joinOrganization, setupAuth, signUp, type CallOptions, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { withEnv } from "../helpers/env";
import { eventually } from "../helpers/eventually";
import { allowLoopbackDelivery } from "../helpers/fixtures";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";

/**
 * The API reference (`GET /api/openapi.json`, lib/http/openapi.ts) against the code: every route
 * file under app/api is in it or left out on purpose, the document is valid OpenAPI 3.1, and real
 * answers of the real handlers — successes and errors — match the document's schema for their
 * operation and status. Every documented success status is produced at least once.
 */
const METRICS_TOKEN = "openapi-ops-token-0123456789";
withEnv({ METRICS_TOKEN, RATE_LIMIT_REDELIVERIES: "1/1h" });
setupTestDatabase();
allowLoopbackDelivery();
setupAuth();

const ROOT = path.resolve(__dirname, "../..");

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the document is walked, not typed

let document: Json;
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();
/** `METHOD /path status` of every answer checked against the document. */
const checked = new Set<string>();

/** The document's `#/components/schemas/X` as a schema Ajv holds apart: `urn:openapi:components#/$defs/X`. */
function forAjv(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"urn:openapi:components#/$defs/'));
}

function responseValidator(method: string, openPath: string, status: number): { spec: Json; validate?: ValidateFunction } {
  const operation = document.paths[openPath]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${openPath} is not in the document`);
  const spec = operation.responses[String(status)];
  if (!spec) throw new Error(`${method} ${openPath} answered ${status}, which the document does not list (it lists ${Object.keys(operation.responses).join(", ")})`);
  const schema = spec.content?.["application/json"]?.schema;
  if (!schema) return { spec };
  const key = `${method} ${openPath} ${status}`;
  if (!validators.has(key)) validators.set(key, ajv.compile(forAjv(schema) as object));
  return { spec, validate: validators.get(key)! };
}

/** Checks one real answer against the document: its status is listed, and a JSON body matches that status's schema. */
function expectDocumented(method: string, routePath: string, response: { status: number; body: unknown; headers: Headers }): void {
  const openPath = openApiPath(routePath);
  const { spec, validate } = responseValidator(method, openPath, response.status);
  const type = response.headers.get("content-type")?.split(";")[0]?.trim();
  if (response.body === null) {
    expect(spec.content).toBeUndefined();
  } else if (type === "application/json") {
    expect(validate).toBeDefined();
    if (!validate!(response.body)) {
      throw new Error(`${method} ${openPath} ${response.status}: the body does not match the document:\n${ajv.errorsText(validate!.errors, { separator: "\n" })}\n${JSON.stringify(response.body).slice(0, 2000)}`);
    }
  } else {
    expect(Object.keys(spec.content ?? {})).toContain(type);
  }
  checked.add(`${method} ${openPath} ${response.status}`);
}

type Handler = Parameters<typeof call>[0];

/** Calls a real handler and checks its answer against the document; returns the answer. */
async function api(method: HttpMethod, routePath: string, handler: unknown, options: CallOptions = {}) {
  const response = await call(handler as Handler, { ...options, method, path: routePath });
  expectDocumented(method, routePath, response);
  return response;
}

let receiver: Receiver;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let orgA: string;
let orgB: string;
let fullKey: string;
let readKey: string;

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  const served = await call(openapi.GET as Handler, { path: "/api/openapi.json" });
  expect(served.status).toBe(200);
  document = served.body;
  ajv.addSchema({ $id: "urn:openapi:components", $defs: forAjv(document.components.schemas) as object });
  receiver = await startReceiver(respondWith(200, {}, "ok"));
  owner = await signUp("owner@openapi-a.example");
  orgA = await createOrganization(owner, "OpenAPI A");
  member = await signUp("member@openapi-a.example");
  await joinOrganization(member, orgA, "member");
  outsider = await signUp("owner@openapi-b.example");
  orgB = await createOrganization(outsider, "OpenAPI B");
});
afterAll(async () => {
  await receiver.close();
  await closeTransport();
});

/** Every route.ts under app/api, as the URL path it serves. */
function routeFiles(dir = path.join(ROOT, "app/api")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [`/${path.relative(path.join(ROOT, "app"), dir).split(path.sep).join("/")}`] : [];
  });
}

describe("the document", () => {
  it("lists every route file under app/api, or leaves it out on purpose", () => {
    const listed = new Set(OPENAPI_ROUTES.map((route) => route.path));
    const missing = routeFiles().filter((file) => !listed.has(file) && !OPENAPI_EXCLUDED.some((excluded) => file.startsWith(excluded.prefix)));
    expect(missing).toEqual([]);
    // And lists nothing that is not there (a moved or deleted route).
    expect([...listed].filter((route) => !fs.existsSync(path.join(ROOT, "app", route, "route.ts")))).toEqual([]);
  });

  it("documents the success answers of every method of every listed route", () => {
    const build = buildOpenApiDocument({ routes: OPENAPI_ROUTES, excluded: OPENAPI_EXCLUDED, version: "test" });
    expect(build.undocumented).toEqual([]);
    const methods = OPENAPI_ROUTES.flatMap((route) => HTTP_METHODS.filter((method) => method in route.module).map((method) => `${method} ${openApiPath(route.path)}`));
    const operations = Object.entries(document.paths as Json).flatMap(([openPath, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${openPath}`));
    expect(operations.sort()).toEqual(methods.sort());
  });

  it("is valid OpenAPI 3.1, every reference resolves, and every schema in it compiles as JSON Schema 2020-12", () => {
    // The validator ships only as an ES module, which Jest's CommonJS runtime cannot load: it runs in a child Node.
    const script = `import { Validator } from "@seriousme/openapi-schema-validator";
      const chunks = []; for await (const chunk of process.stdin) chunks.push(chunk);
      process.stdout.write(JSON.stringify(await new Validator().validate(JSON.parse(Buffer.concat(chunks).toString()))));`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, input: JSON.stringify(document), encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({ valid: true });
    const strict = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats(strict);
    strict.addSchema({ $id: "urn:openapi:components", $defs: forAjv(document.components.schemas) as object });
    for (const [openPath, item] of Object.entries(document.paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        const schemas = [
          ...(operation.parameters ?? []).map((parameter: Json) => parameter.schema),
          operation.requestBody?.content["application/json"].schema,
          ...Object.values(operation.responses as Json).flatMap((response: Json) => (Object.values(response.content ?? {}) as Json[]).map((media) => media.schema)),
        ].filter(Boolean);
        for (const schema of schemas) {
          try {
            strict.compile(forAjv(schema) as object);
          } catch (error) {
            throw new Error(`${method} ${openPath}: ${(error as Error).message}`);
          }
        }
      }
    }
  });

  it("derives security, parameters and error answers from each route's options", () => {
    const create = document.paths["/api/webhooks/endpoints"].post;
    expect(create.security).toEqual([{ sessionCookie: [] }, { apiKey: ["endpoints:write"] }]);
    expect(create["x-required-scope"]).toBe("endpoints:write");
    expect(Object.keys(create.responses)).toEqual(["201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "500"]);
    expect(create.parameters).toEqual([expect.objectContaining({ name: "X-Organization-Id", in: "header", required: false })]);
    expect(create.requestBody.required).toBe(true);

    const keys = document.paths["/api/api-keys"].get;
    expect(keys.security).toEqual([{ sessionCookie: [] }]);
    expect(keys.parameters).toEqual([expect.objectContaining({ name: "X-Organization-Id", required: true })]);
    expect(Object.keys(keys.responses)).toEqual(["200", "400", "401", "403", "404", "500"]);

    const ingest = document.paths["/api/v1/events"].post;
    expect(ingest.security).toEqual([{ apiKey: ["events:write"] }]);
    expect(ingest.parameters).toBeUndefined();
    expect(Object.keys(ingest.responses).sort()).toEqual(["200", "202", "400", "401", "403", "413", "422", "429", "500"]);

    const one = document.paths["/api/webhooks/deliveries/{id}"].get;
    expect(one.parameters.map((parameter: Json) => [parameter.name, parameter.in, parameter.required])).toEqual([
      ["id", "path", true],
      ["attemptsBefore", "query", false],
      ["attemptsLimit", "query", false],
      ["X-Organization-Id", "header", false],
    ]);
    expect(one.parameters[0].schema).toEqual({ type: "string", pattern: "^msg_[0-9a-z]{26}$" });

    // Requests as zod parses them (the recover body's `since` is a date string, transformed after).
    expect(document.paths["/api/webhooks/endpoints/{id}/recover"].post.requestBody.content["application/json"].schema.properties.since).toEqual({ type: "string", description: "An ISO 8601 date or date-time" });
    expect(document.paths["/api/metrics"].get.security).toEqual([{ metricsToken: [] }]);
    expect(document.paths["/api/health"].get.security).toEqual([]);
    expect(document.paths["/api/health"].get.responses["503"].content["application/json"].schema.properties.database.enum).toEqual(["ok", "unreachable"]);
    expect(document.info.description).toContain("/api/auth/");
    expect(document.info.description).toContain("/api/dev/");
  });

  it("is served publicly, cacheable, and revalidated with its ETag", async () => {
    const first = await api("GET", "/api/openapi.json", openapi.GET);
    expect(first.headers.get("cache-control")).toBe("public, max-age=300");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await api("GET", "/api/openapi.json", openapi.GET, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
  });
});

describe("real answers match the document", () => {
  it("health, liveness and the Prometheus scrape", async () => {
    expect((await api("GET", "/api/health", health.GET)).status).toBe(200);
    expect((await api("GET", "/api/health/live", healthLive.GET)).status).toBe(200);
    expect((await api("GET", "/api/metrics", prometheus.GET, { headers: bearer(METRICS_TOKEN) })).status).toBe(200);
    expect((await api("GET", "/api/metrics", prometheus.GET)).status).toBe(401);
  });

  it("API keys: create, list, change, revoke, and the errors", async () => {
    const full = await api("POST", "/api/api-keys", apiKeys.POST, {
      user: owner,
      org: orgA,
      body: { name: "everything", scopes: ["events:write", "endpoints:write", "deliveries:write"] },
    });
    expect(full.status).toBe(201);
    fullKey = full.body.key;
    const read = await api("POST", "/api/api-keys", apiKeys.POST, { user: owner, org: orgA, body: { name: "reader", scopes: ["endpoints:read"] } });
    readKey = read.body.key;
    expect((await api("GET", "/api/api-keys", apiKeys.GET, { user: owner, org: orgA })).status).toBe(200);

    const spare = await api("POST", "/api/api-keys", apiKeys.POST, { user: owner, org: orgA, body: { name: "spare" } });
    const ref = { user: owner, org: orgA, params: { id: spare.body.apiKey.id } };
    expect((await api("PATCH", "/api/api-keys/[id]", apiKey.PATCH, { ...ref, body: { scopes: ["endpoints:read"] } })).status).toBe(200);
    expect((await api("DELETE", "/api/api-keys/[id]", apiKey.DELETE, ref)).status).toBe(200);
    expect((await api("PATCH", "/api/api-keys/[id]", apiKey.PATCH, { ...ref, body: { scopes: ["endpoints:read"] } })).body.error).toBe("api_key_revoked");

    const invalid = await api("POST", "/api/api-keys", apiKeys.POST, { user: owner, org: orgA, body: { name: "", scopes: ["nope"] } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues.length).toBeGreaterThan(0);
    expect((await api("POST", "/api/api-keys", apiKeys.POST, { user: owner, org: orgA, body: { name: "   " } })).status).toBe(422);
    expect((await api("POST", "/api/api-keys", apiKeys.POST, { user: owner, org: orgA, rawBody: "{" })).body.error).toBe("invalid_json");
    expect((await api("GET", "/api/api-keys", apiKeys.GET)).status).toBe(401);
    expect((await api("GET", "/api/api-keys", apiKeys.GET, { headers: bearer(fullKey) })).status).toBe(401);
    expect((await api("GET", "/api/api-keys", apiKeys.GET, { user: member, org: orgA })).body.error).toBe("forbidden");
    expect((await api("GET", "/api/api-keys", apiKeys.GET, { user: owner })).body.error).toBe("organization_required");
    expect((await api("GET", "/api/api-keys", apiKeys.GET, { user: owner, org: orgB })).body.error).toBe("organization_not_found");
    expect((await api("DELETE", "/api/api-keys/[id]", apiKey.DELETE, { user: outsider, org: orgB, params: { id: spare.body.apiKey.id } })).status).toBe(404);
    const crossSite = await api("POST", "/api/api-keys", apiKeys.POST, { user: owner, org: orgA, body: { name: "x" }, headers: { "sec-fetch-site": "cross-site" } });
    expect(crossSite.body.error).toBe("cross_site_request");
    // What an HTML form could send with the session cookie (`call` always sends JSON, so by hand).
    const form = await apiKeys.POST(
      new Request("http://localhost:3000/api/api-keys", { method: "POST", body: "name=x", headers: { cookie: owner.cookie, "x-organization-id": orgA, "content-type": "text/plain" } }),
    );
    const formBody = await form.json();
    expect(formBody.error).toBe("unsupported_media_type");
    expectDocumented("POST", "/api/api-keys", { status: form.status, body: formBody, headers: form.headers });
    const tooBig = await api("POST", "/api/api-keys", apiKeys.POST, { user: owner, org: orgA, body: { name: "x".repeat(70_000) } });
    expect(tooBig.status).toBe(413);
  });

  it("ingest, the batch and the event catalogue", async () => {
    expect((await api("GET", "/api/v1/event-types", eventTypes.GET, { headers: bearer(fullKey) })).status).toBe(200);
    await api("POST", "/api/webhooks/endpoints", endpoints.POST, { user: owner, org: orgA, body: { url: receiver.url } });
    const event = { event: "invoice.settled", idempotencyKey: "openapi-1", data: { amount: 1 } };
    expect((await api("POST", "/api/v1/events", events.POST, { headers: bearer(fullKey), body: event })).status).toBe(202);
    expect((await api("POST", "/api/v1/events", events.POST, { headers: bearer(fullKey), body: event })).status).toBe(200);
    expect((await api("POST", "/api/v1/events", events.POST, { headers: bearer(fullKey), body: { event: "invoice.settled" } })).status).toBe(400);
    expect((await api("POST", "/api/v1/events", events.POST, { headers: bearer(fullKey), body: { ...event, idempotencyKey: "openapi-2", event: "webhook.test" } })).status).toBe(422);
    const refused = await api("POST", "/api/v1/events", events.POST, { headers: bearer(readKey), body: event });
    expect(refused.body).toMatchObject({ error: "missing_scope", missingScope: "events:write", scopes: ["endpoints:read"] });
    expect((await api("POST", "/api/v1/events", events.POST, { headers: bearer("whk_not-a-key"), body: event })).status).toBe(401);

    const items = [{ event: "invoice.settled", idempotencyKey: "openapi-batch-1", data: { n: 1 } }, { event: "invoice.settled" }, { ...event }];
    const answered = await api("POST", "/api/v1/events/batch", batch.POST, { headers: bearer(fullKey), body: { items } });
    expect(answered.body.results.map((result: { status: number }) => result.status)).toEqual([202, 400, 200]);
  });

  it("endpoints: list, create, read, change, rotate, reveal, the public key, test, diagnose, delete", async () => {
    const hmac = await api("POST", "/api/webhooks/endpoints", endpoints.POST, { user: owner, org: orgA, body: { url: `${receiver.url}?token=s3cret`, eventTypes: ["invoice.settled"] } });
    expect(hmac.status).toBe(201);
    const ed = await api("POST", "/api/webhooks/endpoints", endpoints.POST, { headers: bearer(fullKey), body: { url: receiver.url, signatureScheme: "ed25519" } });
    expect(ed.body.endpoint.publicKey).toMatch(/^whpk_/);
    const hmacRef = { user: owner, org: orgA, params: { id: hmac.body.endpoint.id as string } };
    const edRef = { headers: bearer(fullKey), params: { id: ed.body.endpoint.id as string } };

    expect((await api("GET", "/api/webhooks/endpoints", endpoints.GET, { user: member, org: orgA })).status).toBe(200);
    expect((await api("GET", "/api/webhooks/endpoints", endpoints.GET, { headers: bearer(readKey) })).body.endpoints[0].activity).toBeDefined();
    const read = await api("GET", "/api/webhooks/endpoints/[id]", endpoint.GET, hmacRef);
    // The schema catches drift: a field dropped, a field added, a value outside an enum, a date that is not ISO.
    const { validate } = responseValidator("GET", "/api/webhooks/endpoints/{id}", 200);
    const { kind: _kind, ...withoutKind } = read.body.endpoint;
    for (const drifted of [withoutKind, { ...read.body.endpoint, secretEncrypted: "x" }, { ...read.body.endpoint, status: "paused" }, { ...read.body.endpoint, createdAt: "yesterday" }]) {
      expect(validate!({ endpoint: drifted })).toBe(false);
    }
    expect(validate!(read.body)).toBe(true);
    expect((await api("GET", "/api/webhooks/endpoints/[id]", endpoint.GET, { user: outsider, org: orgB, params: hmacRef.params })).status).toBe(404);
    expect((await api("POST", "/api/webhooks/endpoints", endpoints.POST, { headers: bearer(readKey), body: { url: receiver.url } })).body.error).toBe("missing_scope");
    expect((await api("POST", "/api/webhooks/endpoints", endpoints.POST, { user: owner, org: orgA, body: { url: "http://169.254.169.254/latest" } })).body.error).toBe("invalid_url");

    expect((await api("PATCH", "/api/webhooks/endpoints/[id]", endpoint.PATCH, { ...hmacRef, body: { description: "renamed", retryPreset: "short" } })).status).toBe(200);
    expect((await api("PATCH", "/api/webhooks/endpoints/[id]", endpoint.PATCH, { ...hmacRef, body: {} })).status).toBe(400);
    const switched = await api("PATCH", "/api/webhooks/endpoints/[id]", endpoint.PATCH, { ...edRef, body: { signatureScheme: "hmac" } });
    expect(switched.body.secret).toMatch(/^whsec_/);
    expect((await api("PATCH", "/api/webhooks/endpoints/[id]", endpoint.PATCH, { ...edRef, body: { signatureScheme: "ed25519" } })).status).toBe(200);

    expect((await api("POST", "/api/webhooks/endpoints/[id]/rotate-secret", rotate.POST, { ...hmacRef, body: {} })).body.secret).toMatch(/^whsec_/);
    expect((await api("POST", "/api/webhooks/endpoints/[id]/rotate-secret", rotate.POST, { ...edRef, body: { graceSeconds: 0 } })).body.publicKey).toMatch(/^whpk_/);
    expect((await api("GET", "/api/webhooks/endpoints/[id]/secret", secret.GET, hmacRef)).status).toBe(200);
    expect((await api("GET", "/api/webhooks/endpoints/[id]/secret", secret.GET, edRef)).body.error).toBe("no_shared_secret");
    expect((await api("GET", "/api/webhooks/endpoints/[id]/public-key", publicKey.GET, edRef)).status).toBe(200);
    const pem = await api("GET", "/api/webhooks/endpoints/[id]/public-key", publicKey.GET, { ...edRef, query: { format: "pem" } });
    expect(pem.body).toContain("BEGIN PUBLIC KEY");
    expect((await api("GET", "/api/webhooks/endpoints/[id]/public-key", publicKey.GET, hmacRef)).body.error).toBe("no_public_key");
    expect((await api("GET", "/api/webhooks/endpoints/[id]/public-key", publicKey.GET, { ...edRef, query: { format: "der" } })).status).toBe(400);

    expect((await api("POST", "/api/webhooks/endpoints/[id]/test", endpointTest.POST, { ...hmacRef, body: {} })).body.result.success).toBe(true);
    expect((await api("POST", "/api/webhooks/endpoints/[id]/test", endpointTest.POST, { ...hmacRef, body: { eventType: "invoice.paid" } })).status).toBe(422);
    expect((await api("POST", "/api/webhooks/endpoints/[id]/diagnose", diagnose.POST, hmacRef)).body.diagnosis.steps.length).toBeGreaterThan(0);
    expect((await api("DELETE", "/api/webhooks/endpoints/[id]", endpoint.DELETE, edRef)).status).toBe(204);
  });

  it("deliveries: the history, one delivery, redeliver, recover", async () => {
    await processDueDeliveries();
    const page = await api("GET", "/api/webhooks/deliveries", deliveries.GET, { user: member, org: orgA, query: { limit: "1", eventType: "invoice.settled" } });
    expect(page.body.nextCursor).not.toBeNull();
    expect((await api("GET", "/api/webhooks/deliveries", deliveries.GET, { headers: bearer(fullKey), query: { status: "sent" } })).status).toBe(400);
    const id = page.body.items[0].id as string;
    expect((await api("GET", "/api/webhooks/deliveries/[id]", delivery.GET, { user: member, org: orgA, params: { id } })).body.delivery.attemptLog.length).toBeGreaterThan(0);
    expect((await api("GET", "/api/webhooks/deliveries/[id]", delivery.GET, { headers: bearer(readKey), params: { id } })).body.missingScope).toBe("deliveries:read");
    expect((await api("GET", "/api/webhooks/deliveries/[id]", delivery.GET, { user: outsider, org: orgB, params: { id } })).status).toBe(404);
    expect((await api("POST", "/api/webhooks/deliveries/[id]/redeliver", redeliver.POST, { headers: bearer(fullKey), params: { id } })).status).toBe(200);
    // RATE_LIMIT_REDELIVERIES is 1/1h in this file.
    expect((await api("POST", "/api/webhooks/deliveries/[id]/redeliver", redeliver.POST, { user: owner, org: orgA, params: { id } })).body.error).toBe("rate_limited");

    const endpointId = page.body.items[0].endpointId as string;
    const ref = { user: owner, org: orgA, params: { id: endpointId } };
    expect((await api("GET", "/api/webhooks/endpoints/[id]/recover", recover.GET, ref)).body).toEqual({ missed: 0, since: null });
    expect((await api("POST", "/api/webhooks/endpoints/[id]/recover", recover.POST, { ...ref, body: { since: new Date(Date.now() - 3_600_000).toISOString() } })).status).toBe(200);
    expect((await api("POST", "/api/webhooks/endpoints/[id]/recover", recover.POST, { ...ref, body: { since: "2999-01-01T00:00:00Z" } })).status).toBe(422);
    await api("PATCH", "/api/webhooks/endpoints/[id]", endpoint.PATCH, { ...ref, body: { status: "disabled" } });
    expect((await api("POST", "/api/webhooks/endpoints/[id]/recover", recover.POST, { ...ref, body: { missed: true } })).body.error).toBe("endpoint_disabled");
  });

  it("listen: a session, its stream and an answer", async () => {
    const session = await api("POST", "/api/v1/listen", listen.POST, { headers: bearer(fullKey), body: { eventTypes: ["invoice.settled"] } });
    expect(session.status).toBe(201);
    const id = session.body.endpoint.id as string;
    const answer = { id: `lsn_${"0".repeat(26)}`, status: 204, durationMs: 3 };
    expect((await api("POST", "/api/v1/listen/[id]/answers", listenAnswers.POST, { headers: bearer(fullKey), params: { id }, body: answer })).body).toEqual({ accepted: true, local: false });
    expect((await api("PATCH", "/api/webhooks/endpoints/[id]", endpoint.PATCH, { headers: bearer(fullKey), params: { id }, body: { url: receiver.url } })).body.error).toBe("invalid_url");

    // The stream stays open until the client goes: read its first event, then hang up.
    const gone = new AbortController();
    const response = await listenStream.GET(new Request(`http://localhost:3000/api/v1/listen/${id}/stream`, { headers: bearer(fullKey), signal: gone.signal }), {
      params: Promise.resolve({ id }),
    });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("event: ready");
    expectDocumented("GET", "/api/v1/listen/[id]/stream", { status: response.status, body: first, headers: response.headers });
    gone.abort();
    await reader.cancel();
    await eventually(async () => (await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } })).status === "disabled", 10_000, "the stream's endpoint disabled");
    const wrong = await api("GET", "/api/v1/listen/[id]/stream", listenStream.GET, { headers: bearer(fullKey), params: { id: `ep_${"0".repeat(26)}` } });
    expect(wrong.status).toBe(404);
  });

  it("the classic routes, metrics, the audit log and the organization", async () => {
    const other = await signUp("owner@openapi-c.example");
    const orgC = await createOrganization(other, "OpenAPI C");
    const created = await api("PUT", "/api/webhooks/settings", settings.PUT, { user: other, org: orgC, body: { webhookUrl: receiver.url } });
    expect(created.status).toBe(201);
    expect((await api("PUT", "/api/webhooks/settings", settings.PUT, { user: other, org: orgC, body: { webhookUrl: `${receiver.url}/2` } })).status).toBe(200);
    expect((await api("POST", "/api/webhooks/test", classicTest.POST, { user: other, org: orgC, body: { webhookUrl: receiver.url } })).body.result.success).toBe(true);
    expect((await api("POST", "/api/webhooks/test", classicTest.POST, { user: other, org: orgC, body: { webhookUrl: "ftp://example.com" } })).status).toBe(422);

    expect((await api("GET", "/api/webhooks/metrics", jsonMetrics.GET, { user: owner, org: orgA, query: { period: "24h" } })).status).toBe(200);
    expect((await api("GET", "/api/webhooks/metrics", jsonMetrics.GET, { headers: bearer(METRICS_TOKEN) })).status).toBe(200);
    expect((await api("GET", "/api/webhooks/metrics", jsonMetrics.GET, { user: owner, org: orgA, query: { organizationId: orgB } })).status).toBe(404);

    const log = await api("GET", "/api/audit-log", auditLog.GET, { user: owner, org: orgA, query: { limit: "5" } });
    expect(log.body.items.length).toBe(5);
    expect((await api("GET", "/api/audit-log", auditLog.GET, { user: owner, org: orgA, query: { cursor: "nope" } })).status).toBe(400);

    expect((await api("GET", "/api/organization/security", organizationSecurity.GET, { user: member, org: orgA })).body).toEqual({ requireOwnerTwoFactor: false });
    expect((await api("PATCH", "/api/organization/security", organizationSecurity.PATCH, { user: owner, org: orgA, body: { requireOwnerTwoFactor: false } })).status).toBe(200);
    expect((await api("PATCH", "/api/organization/security", organizationSecurity.PATCH, { user: member, org: orgA, body: { requireOwnerTwoFactor: false } })).status).toBe(403);

    const { slug } = await prisma.organization.findUniqueOrThrow({ where: { id: orgC } });
    expect((await api("DELETE", "/api/organization", organization.DELETE, { user: other, org: orgC, body: { confirm: "wrong" } })).status).toBe(422);
    expect((await api("DELETE", "/api/organization", organization.DELETE, { user: other, org: orgC, body: { confirm: slug } })).body.deleted).toBe(true);
  });

  it("produced every documented success answer, and each kind of error", () => {
    const successes = Object.entries(document.paths as Json).flatMap(([openPath, item]) =>
      Object.entries(item as Json).flatMap(([method, operation]) =>
        Object.keys((operation as Json).responses)
          .filter((status) => status.startsWith("2"))
          .map((status) => `${method.toUpperCase()} ${openPath} ${status}`),
      ),
    );
    expect(successes.filter((answer) => !checked.has(answer))).toEqual([]);
    const errorStatuses = new Set([...checked].map((answer) => Number(answer.split(" ")[2])).filter((status) => status >= 400));
    expect([...errorStatuses].sort()).toEqual(expect.arrayContaining([400, 401, 403, 404, 409, 413, 422, 429]));
  });
});
