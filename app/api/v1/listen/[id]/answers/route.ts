import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { receiveListenAnswer, type ListenAnswer } from "@/lib/webhooks/listen";
import { RESPONSE_BODY_CAP_BYTES } from "@/lib/webhooks/transport";

export const dynamic = "force-dynamic";

const answerId = z.string().regex(/^lsn_[0-9a-z]{26}$/, "must be the id of a forwarded attempt (lsn_…)");
const durationMs = z.number().min(0).max(600_000);
const body = z.union([
  z.object({
    id: answerId,
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string().max(200), z.string().max(8192)).optional(),
    body: z.string().optional(),
    durationMs,
  }).strict(),
  z.object({
    id: answerId,
    error: z.object({ code: z.enum(["connection_failed", "timeout"]), message: z.string().max(1000) }).strict(),
    durationMs,
  }).strict(),
]);

/** The listen CLI's answer for one forwarded attempt: the local server's status, headers and body, or why it could not be reached. */
export const POST = apiRoute(
  {
    access: "manager",
    scope: "endpoints:write",
    params: z.object({ id: schemas.id("ep") }),
    body,
    maxBodyBytes: RESPONSE_BODY_CAP_BYTES * 2 + 64 * 1024,
    summary: "Answer a forwarded delivery (listen CLI)",
    description: "The local server's status, headers and body for one attempt sent down the stream, or why it could not be reached.",
    responses: { 202: z.object({ accepted: z.literal(true), local: z.boolean().describe("Whether this process held the attempt (otherwise handed over through the database)") }) },
  },
  async ({ actor, params, body }) => {
    const { local } = await receiveListenAnswer({ organizationId: actor.organizationId, endpointId: params.id, answer: body as ListenAnswer });
    return Response.json({ accepted: true, local }, { status: 202 });
  },
);
