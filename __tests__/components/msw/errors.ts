import { HttpResponse } from "msw";
import { ORGANIZATION_ERROR_CODES } from "better-auth/client/plugins";
import { errorBody, type ErrorIssue } from "@/lib/http/errors";

/**
 * Error answers shaped as the server's: the body comes from `errorBody`, the function
 * `toResponse` (lib/http/route.ts) answers every error with, so the two cannot drift.
 */
export function apiError(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HttpResponse<ReturnType<typeof errorBody>> {
  return HttpResponse.json(errorBody(code, message, extra), { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** 400 for a body that fails the route's zod schema; each issue's `path` is within the body. */
export function invalidBody(issues: { path: string[]; message: string; code?: string }[]) {
  const withPrefix: ErrorIssue[] = issues.map((issue) => ({ path: ["body", ...issue.path], message: issue.message, code: issue.code ?? "custom" }));
  return apiError(400, "invalid_request", "The request body is not valid", { issues: withPrefix });
}

/** 403: a member (not an owner or admin) tried to change something. */
export const forbidden = () => apiError(403, "forbidden", "Only owners and admins can do this");

/** 404 for an id that is not in the organization (or does not exist). */
export const notFound = (code: "endpoint_not_found" | "delivery_not_found" | "api_key_not_found", message: string) => apiError(404, code, message);

/** 429 from a rate limit (lib/http/rate-limit.ts): `Retry-After` and the same wait in the body. */
export function rateLimited({ what, limit, retryAfterSeconds }: { what: string; limit: string; retryAfterSeconds: number }) {
  return apiError(
    429,
    "rate_limited",
    `Too many ${what} for this organization: the limit is ${limit}; try again in ${retryAfterSeconds} s`,
    { limit, retryAfterSeconds },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/** One of better-auth's error codes with its message, e.g. `ORGANIZATION_ERROR_CODES.USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION`. */
export type AuthErrorCode = (typeof ORGANIZATION_ERROR_CODES)[keyof typeof ORGANIZATION_ERROR_CODES] | { code: "INVALID_EMAIL"; message: "Invalid email" };

export { ORGANIZATION_ERROR_CODES };

/**
 * An error from better-auth's own routes (/api/auth/…), which do not go through apiRoute:
 * `APIError.from(status, ERROR_CODES.X)` answers `{ message, code }`. (remove-member answers a
 * member the viewer may not remove with 401, not 403.)
 */
export function authError(status: 400 | 401 | 403, { code, message }: AuthErrorCode) {
  return HttpResponse.json({ message, code }, { status });
}

/**
 * better-auth's 429: its limiter answers with `X-Retry-After`, and lib/auth/rate-limit.ts
 * (`withRetryAfter`) copies it to the standard `Retry-After`.
 */
export function authRateLimited(retryAfterSeconds: number) {
  return HttpResponse.json(
    { message: "Too many requests. Please try again later." },
    { status: 429, statusText: "Too Many Requests", headers: { "X-Retry-After": String(retryAfterSeconds), "Retry-After": String(retryAfterSeconds) } },
  );
}
