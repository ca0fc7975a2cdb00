import type { ZodType } from "zod";
import type { ApiKeyScope } from "@/lib/api-key-scopes";
import type { Access } from "@/lib/http/route";

/**
 * What the API reference (`GET /api/openapi.json`, lib/http/openapi.ts) knows of each route
 * handler. `apiRoute` records its options here; a handler that does not go through it (a public
 * health check) is described with {@link documentRoute}. Only zod and types: a route as light as
 * the liveness check can use it.
 */

/** A success answer as the reference shows it; a bare zod schema stands for `{ json: schema }`. */
export interface ResponseDoc {
  description: string;
  /** The JSON body. */
  json?: ZodType;
  /** A body that is not JSON, by media type: what it holds. */
  media?: Record<string, string>;
}

export type RouteResponses = Partial<Record<number, ZodType | ResponseDoc>>;

/** The documentation fields of a route's options. */
export interface RouteDocs {
  /** One line for the reference. */
  summary?: string;
  /** More words: what the route does, what counts as success. */
  description?: string;
  /** The success answers by status: a zod schema of the JSON body, or a note for a body that is not JSON (204, a stream, a file). */
  responses?: RouteResponses;
  /** Statuses the route answers beyond those `apiRoute` derives (lib/http/openapi.ts `derivedErrors`), each with when. */
  errors?: Partial<Record<number, string>>;
}

/** What the reference knows of a handler: the options `apiRoute` was given, or what `documentRoute` said. */
export interface RouteDescription extends RouteDocs {
  /** `public`: anyone, no credentials (only handlers described with `documentRoute`). */
  access: Access | "public";
  scope?: ApiKeyScope;
  body?: ZodType;
  query?: ZodType;
  params?: ZodType;
  maxBodyBytes?: number;
  /** Set by `documentRoute`: the handler does not go through `apiRoute` (no zod parsing, only its own answers). */
  plain?: boolean;
}

const descriptions = new WeakMap<object, RouteDescription>();

/** Records what `handler` is; `apiRoute` calls it with its options. */
export function describeHandler(handler: object, description: RouteDescription): void {
  descriptions.set(handler, description);
}

/** The description of a route handler, if `apiRoute` made it or `documentRoute` described it. */
export function routeDescription(handler: unknown): RouteDescription | undefined {
  return typeof handler === "function" ? descriptions.get(handler) : undefined;
}

/** Describes a handler that does not go through `apiRoute` for the reference. Returns the handler. */
export function documentRoute<H extends (...args: never[]) => unknown>(handler: H, description: RouteDocs & { access: Access | "public" }): H {
  descriptions.set(handler, { ...description, plain: true });
  return handler;
}
