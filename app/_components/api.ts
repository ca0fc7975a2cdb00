import { ORGANIZATION_HEADER } from "@/lib/http/headers";
import { withNext } from "./safe-next";

/**
 * The browser's way to call our JSON routes (`/api/...`). Every route answers
 * errors as `{ error, message, issues? }` (see lib/http/route.ts); `apiFetch`
 * turns those into an `ApiError` so pages can show `message` in a banner and
 * `issues` next to the fields they concern.
 */

/** One zod issue as our API reports it: `path` starts with "body", "query" or "params". */
export interface ApiIssue {
  path: string[];
  message: string;
  code?: string;
}

export class ApiError extends Error {
  readonly status: number;
  /** Stable machine code from the API (`invalid_request`, `forbidden`, …), or `network_error` / `http_error`. */
  readonly code: string;
  readonly issues: ApiIssue[];

  constructor(status: number, code: string, message: string, issues: ApiIssue[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

export interface ApiFetchOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON when not undefined. */
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /**
   * The organization to act in, sent as `X-Organization-Id`; organization routes
   * refuse session requests without it. Pages get it from `useApiFetch()`.
   */
  organizationId?: string;
}

/** What every form says when no answer came back (offline, server down): one wording everywhere. */
export const UNREACHABLE_MESSAGE = "Could not reach the server. Check your connection and try again.";

const GENERIC_MESSAGES: Record<number, string> = {
  401: "Your session has ended. Sign in again.",
  403: "You don't have permission to do this.",
  404: "Not found. It may have been deleted.",
  429: "Too many requests. Wait a moment and try again.",
};

/**
 * Calls one of our JSON routes with the session cookie (and the organization's
 * id, when given) and returns the parsed body (undefined for an empty body,
 * e.g. 204). Any non-2xx answer, an unreachable server or a non-JSON error
 * page throws `ApiError`; an aborted request rethrows the AbortError. A 401
 * (the session ended) also sends the browser to sign in, and back here after.
 */
export async function apiFetch<T>(path: string, options: ApiFetchOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  // Every write says JSON, a DELETE without a body too: the routes refuse session writes that do not (lib/http/same-origin.ts).
  if (options.body !== undefined || method.toUpperCase() !== "GET") headers["Content-Type"] = "application/json";
  if (options.organizationId) headers[ORGANIZATION_HEADER] = options.organizationId;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      cache: "no-store",
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network_error", UNREACHABLE_MESSAGE);
  }

  const text = await response.text().catch(() => "");
  let parsed: unknown = undefined;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }

  if (response.status === 401) signInAgain();
  if (!response.ok) {
    const body = (parsed && typeof parsed === "object" ? parsed : {}) as { error?: unknown; message?: unknown; issues?: unknown };
    const code = typeof body.error === "string" ? body.error : "http_error";
    const message =
      typeof body.message === "string" && body.message !== ""
        ? body.message
        : (GENERIC_MESSAGES[response.status] ?? `The server answered ${response.status}. Please try again.`);
    throw new ApiError(response.status, code, message, Array.isArray(body.issues) ? (body.issues as ApiIssue[]) : []);
  }
  if (text !== "" && parsed === undefined) {
    throw new ApiError(response.status, "invalid_response", "The server sent a response we could not read.");
  }
  return parsed as T;
}

/** Sends the browser to sign in, with `next` set to the page it is on. */
function signInAgain(): void {
  if (typeof window === "undefined") return;
  const { pathname, search } = window.location;
  if (pathname === "/sign-in") return;
  window.location.assign(withNext("/sign-in", `${pathname}${search}`));
}

/**
 * Inline error messages by field from an error's zod issues: `{ name: "Too long" }`
 * for an issue at `["body", "name"]`. Nested paths are joined with dots
 * (`eventTypes.0`); the first issue per field wins. Empty for anything but an ApiError.
 */
export function fieldErrors(error: unknown, where: "body" | "query" | "params" = "body"): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ApiError)) return result;
  for (const issue of error.issues) {
    if (!Array.isArray(issue.path) || issue.path[0] !== where || issue.path.length < 2) continue;
    const key = issue.path.slice(1).join(".");
    result[key] ??= issue.message;
  }
  return result;
}

/**
 * A sentence to show for any thrown value: an Error's message, a better-auth
 * client error's `message`, or `fallback`.
 */
export function errorMessage(error: unknown, fallback = "Something went wrong. Please try again."): string {
  if (error instanceof Error && error.message) return error.message;
  if (error && typeof error === "object" && "message" in error) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string" && message !== "") return message;
  }
  return fallback;
}
