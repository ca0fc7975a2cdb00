import { z } from "zod";
import { prisma } from "@/lib/db";
import { apiRoute, schemas } from "@/lib/http/route";
import { logger } from "@/lib/logger";
import { findListenEndpoint, serveListenStream } from "@/lib/webhooks/listen";

export const dynamic = "force-dynamic";

/**
 * The listen CLI's stream (server-sent events): `ready` once connected, then one `delivery`
 * event per attempt, each answered with `POST …/answers`; a comment every 15 s. While it is
 * open the endpoint is active; when it closes the endpoint is disabled and its pending
 * deliveries wait for the next stream.
 */
export const GET = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  params: z.object({ id: schemas.id("ep") }),
  summary: "The listen CLI's stream",
  description: "Server-sent events: `ready` once connected, then one `delivery` per attempt (answer each with POST …/answers), a comment every 15 s. While it is open the endpoint is active; when it closes the endpoint is disabled and its deliveries wait for the next stream.",
  responses: { 200: { description: "The stream", media: { "text/event-stream": "Server-sent events: ready, delivery" } } },
}, async ({ request, actor, params }) => {
  // Checked before the stream starts, so a wrong id is a JSON 404, not an empty stream.
  await findListenEndpoint(prisma, actor.organizationId, params.id);
  const encoder = new TextEncoder();
  const gone = new AbortController();
  request.signal.addEventListener("abort", () => gone.abort(), { once: true });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string | undefined, data: string) => {
        if (gone.signal.aborted) return;
        try {
          controller.enqueue(encoder.encode(event === undefined ? `: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`));
        } catch {
          gone.abort();
        }
      };
      void serveListenStream({ organizationId: actor.organizationId, endpointId: params.id, send, signal: gone.signal })
        .catch((error: unknown) => logger.error({ err: error, endpointId: params.id }, "listen stream failed"))
        .finally(() => {
          try {
            controller.close();
          } catch {
            // Already closed by the client going away.
          }
        });
    },
    cancel() {
      gone.abort();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store, no-transform", "X-Accel-Buffering": "no" },
  });
});
