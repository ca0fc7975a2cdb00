import { toResponse } from "@/lib/http/route";
import { isDevelopmentStart } from "@/lib/run-mode";

/** An empty 404, which is what Next.js answers for `notFound()` in a route handler. */
export function notFoundResponse(): Response {
  return new Response(null, { status: 404 });
}

/**
 * A route handler that exists only in an app started in development mode
 * (`isDevelopmentStart()`, read on every request): anywhere else — production,
 * or a process whose mode no entry point decided — it answers the empty 404 of
 * a missing route without running `handler`. Errors map like `apiRoute`'s.
 */
export function developmentOnly<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    if (!isDevelopmentStart()) return notFoundResponse();
    try {
      return await handler(...args);
    } catch (error) {
      return toResponse(error);
    }
  };
}
