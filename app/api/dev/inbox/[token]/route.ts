import { receiveInboxRequest } from "@/lib/dev-inbox/receive";
import { developmentOnly, notFoundResponse } from "@/lib/http/development-only";

export const dynamic = "force-dynamic";

/**
 * The request inspector's receiver, in development starts only (elsewhere a
 * 404 like any unknown path): records the request and answers 200, or the
 * inbox's `failWithStatus`; 413 for a body over the cap; 404 for an unknown token.
 */
const receive = developmentOnly(async (request: Request, context: { params: Promise<{ token: string }> }) => {
  const { status, body } = await receiveInboxRequest({ token: (await context.params).token, request });
  return body === null ? notFoundResponse() : Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
});

export const POST = receive;
export const PUT = receive;
export const PATCH = receive;
export const DELETE = receive;
