import { z, type ZodType } from "zod";
import { API_KEY_SCOPE_DESCRIPTIONS, API_KEY_SCOPES } from "@/lib/api-key-scopes";
import { ORGANIZATION_HEADER } from "@/lib/http/headers";
import { errorResponse } from "@/lib/http/response-schemas";
import { DEFAULT_MAX_BODY_BYTES } from "@/lib/http/route";
import { routeDescription, type ResponseDoc, type RouteDescription } from "@/lib/http/route-docs";

/**
 * The OpenAPI 3.1 document of the JSON API, built from the route modules themselves: each
 * handler's `apiRoute` options (or `documentRoute` description) give its access, API key scope,
 * zod params, query and body, and its success answers; `z.toJSONSchema` turns those zod schemas
 * into the document's schemas (requests as zod parses them, `io: "input"`; answers as they are
 * sent, `io: "output"`). The errors an operation can answer are derived from what `apiRoute`
 * does for it, plus those the route declares. Nothing in the document is written by hand but the
 * routes' own summaries.
 */

export const HTTP_METHODS = ["GET", "PUT", "POST", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A route module and the URL path it serves, in Next's notation (`/api/webhooks/endpoints/[id]`). */
export interface RouteModule {
  path: string;
  module: Readonly<Record<string, unknown>>;
}

/** Route files left out of the document on purpose, by URL path prefix, and why. */
export interface ExcludedRoutes {
  prefix: string;
  why: string;
}

export interface OpenApiOptions {
  routes: readonly RouteModule[];
  excluded: readonly ExcludedRoutes[];
  version: string;
}

/** A JSON object of the document (the OpenAPI types are not worth a dependency). */
type Json = Record<string, unknown>;

export interface OpenApiBuild {
  document: Json & { openapi: string; paths: Record<string, Record<string, Json>> };
  /** `METHOD /path` of each handler without a documented success answer: left out of the document. */
  undocumented: string[];
}

export const SECURITY_SCHEMES = {
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "better-auth.session_token",
    description: `A signed-in user's session (\`__Secure-better-auth.session_token\` over https). Every request also names the organization it acts in with the \`${ORGANIZATION_HEADER}\` header; the user's role there decides 403. Writes are accepted only from the app's own pages (403 cross_site_request, 415 for a body that is not JSON).`,
  },
  apiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "whk_…",
    description: `An organization API key, \`Authorization: Bearer whk_…\`: acts in its own organization (no ${ORGANIZATION_HEADER}). A route names the scope it needs (listed in the security requirement and as \`x-required-scope\`); a key without it is answered 403 missing_scope. Scopes: ${API_KEY_SCOPES.map((scope) => `\`${scope}\` (${API_KEY_SCOPE_DESCRIPTIONS[scope]})`).join("; ")}. A write scope includes the read scope of the same resource.`,
  },
  metricsToken: {
    type: "http",
    scheme: "bearer",
    description: "The operator's `METRICS_TOKEN`, `Authorization: Bearer <token>`: every organization.",
  },
} as const;

const ERROR_REF = { $ref: "#/components/schemas/Error" };

/** Next's `[id]` segments as OpenAPI's `{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    if (name.startsWith("...")) throw new Error(`${path}: catch-all segments have no OpenAPI form`);
    return `{${name}}`;
  });
}

/** `GET /api/webhooks/endpoints/[id]` → `getWebhooksEndpointsById`. */
function operationId(method: HttpMethod, path: string): string {
  const words = path
    .split("/")
    .filter((segment) => segment !== "" && segment !== "api")
    .map((segment) => (segment.startsWith("[") ? `by-${segment.slice(1, -1)}` : segment))
    .flatMap((segment) => segment.split(/[-.]/))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return method.toLowerCase() + words.join("");
}

/** The group an operation is listed under: the first segment after `/api`, `/api/v1` and `/api/webhooks`. */
function tagOf(path: string): string {
  const segments = path.split("/").filter((segment) => segment !== "" && !segment.startsWith("["));
  const rest = segments.slice(1);
  while (rest.length > 1 && (rest[0] === "v1" || rest[0] === "webhooks")) rest.shift();
  return (rest[0] ?? "api").replace(/\.json$/, "");
}

/**
 * Converts zod schemas to the document's JSON Schemas. Schemas with an `id` (`.meta({ id })`)
 * become `components.schemas`, referenced as `#/components/schemas/<id>`: zod puts them in the
 * root's `$defs`, which this lifts out (one id, one schema: a conflict throws).
 */
class SchemaConverter {
  readonly components: Record<string, Json> = {};

  convert(schema: ZodType, io: "input" | "output"): Json {
    const { $schema: _dialect, $defs, ...root } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "throw", cycles: "ref", reused: "inline" }) as Json & {
      $defs?: Record<string, Json>;
    };
    for (const [name, definition] of Object.entries($defs ?? {})) {
      if (name.startsWith("__schema")) throw new Error(`a schema without an id is used recursively (${name}): give it .meta({ id })`);
      const lifted = relink(definition) as Json;
      const existing = this.components[name];
      if (existing && JSON.stringify(existing) !== JSON.stringify(lifted)) throw new Error(`two different schemas have the id ${name}`);
      this.components[name] = lifted;
    }
    return relink(root) as Json;
  }
}

/** `#/$defs/X` references as `#/components/schemas/X`. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string" && inner.startsWith("#/$defs/") ? `#/components/schemas/${inner.slice("#/$defs/".length)}` : relink(inner),
    ]),
  );
}

/** Who may call: the security requirements of an operation (any one of them suffices). */
function securityOf(route: RouteDescription): Json[] {
  const roles = route.scope ? [route.scope] : [];
  switch (route.access) {
    case "public":
      return [];
    case "member":
    case "manager":
      return route.scope ? [{ sessionCookie: [] }, { apiKey: roles }] : [{ sessionCookie: [] }];
    case "api_key":
      return [{ apiKey: roles }];
    case "metrics":
      return [{ metricsToken: [] }, { sessionCookie: [] }];
    case "metrics_token":
      return [{ metricsToken: [] }];
  }
}

/** Whether a session cookie opens the route (and so the organization header, CSRF checks, …). */
const takesSession = (route: RouteDescription) => route.access === "member" || route.access === "manager" || route.access === "metrics";

/** Who may call, in words, for the operation's description. */
function accessWords(route: RouteDescription): string {
  const key = route.scope ? ` or an API key with \`${route.scope}\`` : "";
  switch (route.access) {
    case "public":
      return "Public: no credentials.";
    case "member":
      return `Any member of the organization (session)${key}.`;
    case "manager":
      return `Owners and admins of the organization (session)${key}.`;
    case "api_key":
      return route.scope ? `An API key with \`${route.scope}\`.` : "Any API key of the organization.";
    case "metrics":
      return "The operator's METRICS_TOKEN (every organization), or an owner or admin (session, their own organization).";
    case "metrics_token":
      return "The operator's METRICS_TOKEN only.";
  }
}

/**
 * The error statuses `apiRoute` can answer for this route, each with its codes: what it parses
 * (400, 413), how it authenticates (401, 403, 404, 415, 429), and 500. A `documentRoute` handler
 * answers only what it declares.
 */
export function derivedErrors(method: HttpMethod, route: RouteDescription): Map<number, string[]> {
  const errors = new Map<number, string[]>();
  const add = (status: number, text: string) => errors.set(status, [...(errors.get(status) ?? []), text]);
  if (route.plain) return errors;
  const session = takesSession(route);
  const write = method !== "GET";
  if (route.params || route.query || route.body) add(400, "`invalid_request`: the params, query or body do not parse; `issues` says where (paths start with params, query or body)");
  if (route.body) add(400, "`invalid_json`: the body is not JSON");
  if (session) add(400, `\`organization_required\`: a session request without ${ORGANIZATION_HEADER} (\`invalid_request\` when it is not an org_ id)`);
  add(401, "`unauthenticated`: no credentials, or a key or token that is not valid (or revoked)");
  if (route.access === "manager") add(403, "`forbidden`: not an owner or admin of the organization; `two_factor_required`: an owner without two-factor where the organization requires it");
  if (route.scope) add(403, `\`missing_scope\`: the API key lacks \`${route.scope}\` (\`missingScope\`, \`scopes\`)`);
  if (session && write) add(403, "`cross_site_request`: a session write sent by another site");
  if (session) add(404, "`organization_not_found`: not a member of that organization, or no such organization");
  if (route.params) add(404, "The id is not one of the organization's (another organization's id answers alike)");
  if (route.body) add(413, `\`payload_too_large\`: a body over ${route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes`);
  if (session && write) add(415, "`unsupported_media_type`: a session write whose body is not application/json");
  if (route.scope && session) add(429, "`rate_limited`: management API requests per API key (RATE_LIMIT_MANAGEMENT_PER_KEY), with Retry-After");
  add(500, "`internal_error`: something went wrong on our side (no details)");
  return errors;
}

const STATUS_WORDS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function isZodType(value: unknown): value is ZodType {
  return value instanceof z.ZodType;
}

/** One success answer as an OpenAPI Response Object. */
function successResponse(status: number, doc: ZodType | ResponseDoc, schemas: SchemaConverter): Json {
  const response: ResponseDoc = isZodType(doc) ? { description: STATUS_WORDS[status] ?? String(status), json: doc } : doc;
  const content: Record<string, Json> = {};
  if (response.json) content["application/json"] = { schema: schemas.convert(response.json, "output") };
  for (const [type, what] of Object.entries(response.media ?? {})) content[type] = { schema: { type: "string", description: what } };
  return { description: response.description, ...(Object.keys(content).length > 0 ? { content } : {}) };
}

/** The `parameters` of an operation: path and query from the zod schemas, the organization header for sessions. */
function parametersOf(path: string, route: RouteDescription, schemas: SchemaConverter): Json[] {
  const templateNames = [...path.matchAll(/\[([^\]]+)\]/g)].map((match) => match[1]!);
  const parameters: Json[] = [];
  const objectParts = (schema: ZodType | undefined, where: string) => {
    if (!schema) return { properties: {} as Record<string, Json>, required: [] as string[] };
    const json = schemas.convert(schema, "input") as { type?: string; properties?: Record<string, Json>; required?: string[] };
    if (json.type !== "object" || !json.properties) throw new Error(`${path}: the ${where} schema must be an object`);
    return { properties: json.properties, required: json.required ?? [] };
  };
  const params = objectParts(route.params, "params");
  const declared = Object.keys(params.properties);
  if (route.params && (declared.length !== templateNames.length || !templateNames.every((name) => declared.includes(name)))) {
    throw new Error(`${path}: the params schema names ${declared.join(", ") || "nothing"}, the path ${templateNames.join(", ") || "nothing"}`);
  }
  for (const name of templateNames) {
    parameters.push({ name, in: "path", required: true, schema: params.properties[name] ?? { type: "string" } });
  }
  const query = objectParts(route.query, "query");
  for (const [name, schema] of Object.entries(query.properties)) {
    const { description, ...rest } = schema as Json & { description?: string };
    parameters.push({ name, in: "query", required: query.required.includes(name), ...(description ? { description } : {}), schema: rest });
  }
  if (takesSession(route)) {
    const sessionOnly = (route.access === "member" || route.access === "manager") && !route.scope;
    parameters.push({
      name: ORGANIZATION_HEADER,
      in: "header",
      required: sessionOnly,
      description: sessionOnly
        ? "The organization to act in (org_…)."
        : "With a session cookie: the organization to act in (org_…), required. Not sent with an API key or METRICS_TOKEN, which say whose they are.",
      schema: { type: "string", pattern: "^org_[0-9a-z]{26}$" },
    });
  }
  return parameters;
}

/** One operation of the document. */
function operationOf(method: HttpMethod, path: string, route: RouteDescription, schemas: SchemaConverter): Json {
  const responses: Record<string, Json> = {};
  for (const [status, doc] of Object.entries(route.responses ?? {})) {
    if (doc) responses[status] = successResponse(Number(status), doc, schemas);
  }
  const errors = derivedErrors(method, route);
  for (const [status, text] of Object.entries(route.errors ?? {})) {
    if (text) errors.set(Number(status), [...(errors.get(Number(status)) ?? []), text]);
  }
  for (const [status, texts] of [...errors].sort(([a], [b]) => a - b)) {
    responses[String(status)] = { description: texts.join(". "), content: { "application/json": { schema: ERROR_REF } } };
  }
  const body = route.body
    ? {
        requestBody: {
          // apiRoute reads an empty body as {}: a body is required only when {} does not parse.
          required: !route.body.safeParse({}).success,
          description: `JSON, at most ${route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes.`,
          content: { "application/json": { schema: schemas.convert(route.body, "input") } },
        },
      }
    : {};
  const parameters = parametersOf(path, route, schemas);
  return {
    operationId: operationId(method, path),
    tags: [tagOf(path)],
    ...(route.summary ? { summary: route.summary } : {}),
    description: [route.description, accessWords(route)].filter(Boolean).join("\n\n"),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...body,
    responses,
    security: securityOf(route),
    ...(route.scope ? { "x-required-scope": route.scope } : {}),
  };
}

/**
 * The OpenAPI 3.1 document of `routes`. Every exported HTTP method handler that `apiRoute` made
 * or `documentRoute` described, with at least one success (2xx) answer, becomes an operation;
 * any other is listed in `undocumented` and left out. Throws for a route whose params schema and
 * path disagree, a schema zod cannot express as JSON Schema, or two schemas sharing an id.
 */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiBuild {
  const schemas = new SchemaConverter();
  const paths: Record<string, Record<string, Json>> = {};
  const undocumented: string[] = [];
  const tags = new Set<string>();
  for (const { path, module } of [...options.routes].sort((a, b) => a.path.localeCompare(b.path))) {
    for (const method of HTTP_METHODS) {
      if (!(method in module)) continue;
      const route = routeDescription(module[method]);
      const documented = Object.keys(route?.responses ?? {}).some((status) => Number(status) >= 200 && Number(status) < 300);
      if (!route || !documented) {
        undocumented.push(`${method} ${path}`);
        continue;
      }
      tags.add(tagOf(path));
      (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = operationOf(method, path, route, schemas);
    }
  }
  // Every operation's error answers reference the Error schema directly, not through zod.
  schemas.convert(errorResponse, "output");
  const leftOut = options.excluded.map((entry) => `- \`${entry.prefix}…\`: ${entry.why}`).join("\n");
  const document = {
    openapi: "3.1.1",
    info: {
      title: "Webhooks API",
      version: options.version,
      description: [
        "The JSON API of this webhook platform, generated from the route handlers' own zod schemas (what they parse, and what they answer), so it describes the running code.",
        `Authentication: a session cookie with the \`${ORGANIZATION_HEADER}\` header, an organization API key (\`Authorization: Bearer whk_…\`) with the scope a route names, or the operator's METRICS_TOKEN; see the security schemes.`,
        "Errors are JSON `{error, message}` (the Error schema), never a stack trace.",
        `Left out of this document:\n${leftOut}`,
      ].join("\n\n"),
    },
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: { schemas: schemas.components, securitySchemes: SECURITY_SCHEMES },
  };
  return { document, undocumented };
}
