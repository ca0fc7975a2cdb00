/** Errors the HTTP layer raises itself; `toResponse` maps them (and library errors) to status codes. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** One zod issue as the API reports it: `path` starts with "body", "query", "params" (or "headers"). */
export interface ErrorIssue {
  path: string[];
  message: string;
  code: string;
}

/**
 * The JSON body of every error answer: a stable `error` code, a sentence for people, and
 * whatever the error adds (`issues` for a 400, `limit` and `retryAfterSeconds` for a 429, …).
 */
export type ErrorBody = { error: string; message: string; issues?: ErrorIssue[] } & Record<string, unknown>;

/** Builds an error answer's body; `toResponse` (lib/http/route.ts) answers every error through it. */
export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: code, message, ...extra };
}
