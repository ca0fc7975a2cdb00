import { z } from "zod";
import { loadInspector } from "@/lib/dev-inbox/inspector";
import { developmentOnly, notFoundResponse } from "@/lib/http/development-only";
import { HttpError } from "@/lib/http/errors";

export const dynamic = "force-dynamic";

const query = z.object({ after: z.coerce.number().int().min(0).optional() });

/**
 * `GET /api/dev/inbox/<token>/requests?after=<seq>`: the inbox's requests newer
 * than `after`, newest first, for the inspector page's polling. Session only;
 * members of the inbox's organization, anyone else gets 404. Development starts only.
 */
export const GET = developmentOnly(async (request: Request, context: { params: Promise<{ token: string }> }) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    throw new HttpError(400, "invalid_request", "The request query is not valid", {
      issues: parsed.error.issues.map((issue) => ({ path: ["query", ...issue.path.map(String)], message: issue.message, code: issue.code })),
    });
  }
  const result = await loadInspector({ token: (await context.params).token, headers: request.headers, after: parsed.data.after });
  if (result.kind === "sign_in") throw new HttpError(401, "unauthenticated", "Sign in first");
  if (result.kind === "not_found") return notFoundResponse();
  return Response.json(
    { inbox: { label: result.inbox.label, failWithStatus: result.inbox.failWithStatus }, requests: result.requests },
    { headers: { "Cache-Control": "no-store" } },
  );
});
