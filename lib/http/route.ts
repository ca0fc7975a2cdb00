import { createHash, timingSafeEqual } from "node:crypto";
import type { ZodError, ZodType } from "zod";
import { getEnv } from "@/lib/env";
import { authenticateApiKey, API_KEY_PREFIX } from "@/lib/api-keys";
import { scopeAllows, type ApiKeyScope } from "@/lib/api-key-scopes";
import { findMembership } from "@/lib/auth/membership";
import { getViewer } from "@/lib/auth/session";
import { ownerMissingTwoFactor, twoFactorRequiredError } from "@/lib/auth/two-factor-policy";
import type { OrgRole } from "@/lib/auth/server";
import { errorBody, HttpError, type ErrorIssue } from "@/lib/http/errors";
import { schemas } from "@/lib/http/schemas";
import { ORGANIZATION_HEADER } from "@/lib/http/headers";
import { readBodyCapped } from "@/lib/http/read-body";
import { describeHandler, type RouteDocs } from "@/lib/http/route-docs";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { appOrigins, assertSameOriginWrite } from "@/lib/http/same-origin";
import { logger } from "@/lib/logger";
import { SecretError, WebhookConflictError, WebhookError, WebhookNotFoundError, WebhookQuotaError, WebhookValidationError, type WebhookErrorCode } from "@/lib/webhooks/errors";

/** Largest JSON body a route accepts unless it says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export { schemas };

export type Access =
  /** Any member of the organization named by `X-Organization-Id` (read-only routes). */
  | "member"
  /** Owners and admins of the organization named by `X-Organization-Id`. */
  | "manager"
  /** An organization API key (`Authorization: Bearer whk_…`) only; with `scope`, a key holding it. */
  | "api_key"
  /** Ops (`Authorization: Bearer $METRICS_TOKEN`, every organization) or an owner/admin (their own). */
  | "metrics"
  /** Ops only: `Authorization: Bearer $METRICS_TOKEN` (the Prometheus scrape). */
  | "metrics_token";

export interface Actor {
  /** Empty for ops, who are not bound to one organization. */
  organizationId: string;
  userId: string | null;
  role: OrgRole | "api_key" | "ops";
  apiKeyId?: string;
  /** The key's scopes, when an API key acts. */
  scopes?: readonly ApiKeyScope[];
}

/**
 * Whether the actor sees endpoint URLs whole. URLs often carry tokens, so members, and keys
 * that may only read, see them masked; owners, admins and keys that may change endpoints see them.
 */
export function seesFullUrls(actor: Actor): boolean {
  if (actor.role === "member") return false;
  if (actor.role === "api_key") return scopeAllows(actor.scopes ?? [], "endpoints:write");
  return true;
}

export interface RouteContext<Body, Query, Params> {
  request: Request;
  actor: Actor;
  body: Body;
  /** The body's text as received (empty when the route takes no body). */
  rawBody: string;
  query: Query;
  params: Params;
}

/** With the documentation fields of lib/http/route-docs.ts: the API reference is built from these options. */
export interface RouteOptions<Body, Query, Params> extends RouteDocs {
  access: Access;
  /**
   * The API key scope that also opens a "member" or "manager" route: a request with
   * `Authorization: Bearer whk_…` is then authenticated by the key (403 naming the scope when the
   * key lacks it) instead of a session. With `access: "api_key"`, the scope the key needs.
   */
  scope?: ApiKeyScope;
  body?: ZodType<Body>;
  query?: ZodType<Query>;
  params?: ZodType<Params>;
  maxBodyBytes?: number;
}

type Handler<Body, Query, Params> = (context: RouteContext<Body, Query, Params>) => Promise<Response | object>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });

/**
 * The one wrapper every JSON route handler goes through: authentication
 * (session or API key), organization scoping (an API key's own organization;
 * for a session, the organization named by `X-Organization-Id` once the
 * member table says the user belongs to it — never the body, never the
 * session's active organization), role checks, zod parsing of params, query
 * and body, and mapping errors to responses — 400 with zod issues, 401, 403,
 * 404, 409, 413, 415, 422, 429, and 500 without internals. Session-cookie writes
 * from another site are refused (lib/http/same-origin.ts). The options are kept with the
 * handler (lib/http/route-docs.ts): the API reference is built from them.
 */
export function apiRoute<Body = undefined, Query = undefined, Params = undefined>(
  options: RouteOptions<Body, Query, Params>,
  handler: Handler<Body, Query, Params>,
) {
  const route = async (request: Request, context?: { params?: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    try {
      const actor = await authenticate(request, options.access, options.scope);
      const params = options.params ? parse(options.params, (await context?.params) ?? {}, "params") : (undefined as Params);
      const query = options.query
        ? parse(options.query, Object.fromEntries(new URL(request.url).searchParams), "query")
        : (undefined as Query);
      const received = options.body ? await readJson(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : undefined;
      const body = options.body ? parse(options.body, received!.value, "body") : (undefined as Body);
      const result = await handler({ request, actor, body, rawBody: received?.text ?? "", query, params });
      return result instanceof Response ? result : json(200, result);
    } catch (error) {
      return toResponse(error);
    }
  };
  describeHandler(route, options);
  return route;
}

/** The token of `Authorization: Bearer <token>`, if the request sends one. */
function bearer(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
}

/** Timing-safe comparison with the configured METRICS_TOKEN (false when none is configured). */
function isMetricsToken(token: string | undefined): boolean {
  const expected = getEnv().metricsToken;
  if (!expected || !token) return false;
  const a = createHash("sha256").update(token).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The organization API key a request presents, checked for `scope`: 401 for an unknown or
 * revoked key, 403 `missing_scope` naming the scope a valid key lacks.
 */
async function authenticateKey(token: string | undefined, scope: ApiKeyScope | undefined): Promise<Actor> {
  if (!token) throw new HttpError(401, "unauthenticated", "Send an organization API key as Authorization: Bearer <key>");
  const key = await authenticateApiKey(token);
  if (!key) throw new HttpError(401, "unauthenticated", "The API key is not valid or has been revoked");
  if (scope && !scopeAllows(key.scopes, scope)) {
    throw new HttpError(403, "missing_scope", `This API key lacks the ${scope} scope. An owner or admin can add it on the API keys page.`, {
      missingScope: scope,
      scopes: [...key.scopes],
    });
  }
  return { organizationId: key.organizationId, userId: null, role: "api_key", apiKeyId: key.keyId, scopes: key.scopes };
}

async function authenticate(request: Request, access: Access, scope?: ApiKeyScope): Promise<Actor> {
  if (access === "metrics_token") {
    if (!isMetricsToken(bearer(request))) throw new HttpError(401, "unauthenticated", "Send Authorization: Bearer $METRICS_TOKEN");
    return { organizationId: "", userId: null, role: "ops" };
  }
  if (access === "metrics") {
    const token = bearer(request);
    if (token !== undefined) {
      if (!isMetricsToken(token)) throw new HttpError(401, "unauthenticated", "The metrics token is not valid");
      return { organizationId: "", userId: null, role: "ops" };
    }
    return authenticate(request, "manager");
  }
  if (access === "api_key") return authenticateKey(bearer(request), scope);
  const token = bearer(request);
  if (scope && token !== undefined) {
    // The management API: a key acts in its own organization; X-Organization-Id is not needed.
    const actor = await authenticateKey(token, scope);
    await enforceRateLimit("managementPerKey", actor.apiKeyId!);
    return actor;
  }
  const viewer = await getViewer(request.headers);
  if (!viewer) {
    if (token?.startsWith(API_KEY_PREFIX)) throw new HttpError(401, "unauthenticated", "This route does not accept API keys: sign in as an owner or admin");
    throw new HttpError(401, "unauthenticated", "Sign in first");
  }
  // A session cookie rides along with any site's request; only our own pages may write with it.
  assertSameOriginWrite(request, appOrigins(getEnv().appUrl));
  const membership = await findMembership(viewer.userId, { id: requestedOrganization(request) });
  // Not a member and no such organization answer alike, so organization ids cannot be probed.
  if (!membership) throw new HttpError(404, "organization_not_found", "Organization not found");
  if (access === "manager" && !membership.canManage) {
    throw new HttpError(403, "forbidden", "Only owners and admins can do this");
  }
  if (access === "manager" && (await ownerMissingTwoFactor(viewer.userId, membership))) throw twoFactorRequiredError();
  return { organizationId: membership.id, userId: viewer.userId, role: membership.role };
}

/**
 * The organization a session-cookie request acts in, from `X-Organization-Id`.
 * The session's active organization is shared by every tab of the browser, so
 * acting on it would let a switch in one tab redirect an action in another.
 */
function requestedOrganization(request: Request): string {
  const value = request.headers.get(ORGANIZATION_HEADER);
  if (!value) {
    throw new HttpError(400, "organization_required", `Name the organization to act in with the ${ORGANIZATION_HEADER} header (org_…)`);
  }
  if (!schemas.id("org").safeParse(value).success) {
    throw new HttpError(400, "invalid_request", `${ORGANIZATION_HEADER} must be an organization id (org_…)`, {
      issues: [{ path: ["headers", ORGANIZATION_HEADER.toLowerCase()], message: "must be an id starting with org_", code: "invalid_format" }],
    });
  }
  return value;
}

function parse<T>(schema: ZodType<T>, value: unknown, where: "params" | "query" | "body"): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, "invalid_request", `The request ${where} is not valid`, { issues: reportedIssues(result.error, [where]) });
  return result.data;
}

/** Zod's issues as the API reports them, each path starting with `prefix` ("body", …). */
export function reportedIssues(error: ZodError, prefix: readonly string[]): ErrorIssue[] {
  return error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)], message: issue.message, code: issue.code }));
}

async function readJson(request: Request, maxBytes: number): Promise<{ text: string; value: unknown }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new HttpError(413, "payload_too_large", `The body may be at most ${maxBytes} bytes`);
  const text = await readLimited(request, maxBytes);
  if (text.trim() === "") return { text, value: {} };
  try {
    return { text, value: JSON.parse(text) };
  } catch {
    throw new HttpError(400, "invalid_json", "The body is not valid JSON");
  }
}

/** Reads the body as text, giving up (413) as soon as it passes `maxBytes`, whatever Content-Length said. */
async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const bytes = await readBodyCapped(request, maxBytes);
  if (bytes === null) throw new HttpError(413, "payload_too_large", `The body may be at most ${maxBytes} bytes`);
  return bytes.toString("utf8");
}

/** The status of a validation error's code: 413 for what is too big (an event body, a batch), 422 for the rest. */
export function validationStatus(code: WebhookErrorCode): 413 | 422 {
  return code === "payload_too_large" || code === "batch_too_large" ? 413 : 422;
}

/** Maps any error to a JSON response; unexpected ones are logged and answered 500 without details. */
export function toResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return json(error.status, errorBody(error.code, error.message, error.extra), error.headers);
  }
  if (error instanceof WebhookNotFoundError) return json(404, errorBody(error.code, error.message));
  if (error instanceof WebhookConflictError) return json(409, errorBody(error.code, error.message));
  if (error instanceof WebhookQuotaError) return json(409, errorBody(error.code, error.message, { limit: error.limit, current: error.current }));
  if (error instanceof SecretError && error.code === "decryption_failed") {
    // Revealing or rotating a secret whose key was removed: the operator must restore the key.
    return json(409, errorBody("signing_key_missing", "The encryption key of this endpoint's secret is missing from WEBHOOK_ENCRYPTION_KEYS. Restore the key, then try again."));
  }
  if (error instanceof WebhookValidationError) return json(validationStatus(error.code), errorBody(error.code, error.message, error.issues ? { issues: error.issues } : {}));
  if (error instanceof WebhookError && error.code === "invalid_input") return json(422, errorBody(error.code, error.message));
  logger.error({ err: error }, "unhandled error in route handler");
  return json(500, errorBody("internal_error", "Something went wrong on our side"));
}
