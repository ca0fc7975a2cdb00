import { z } from "zod";
import { documentRoute } from "@/lib/http/route-docs";

export const dynamic = "force-dynamic";

/**
 * Liveness for load balancers and orchestrators: 200 `{"status":"ok"}` while the process serves
 * HTTP. It touches no database on purpose, so a database outage does not get a healthy process
 * restarted; `/api/health` is the readiness check that runs a real query.
 */
export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}

documentRoute(GET, {
  access: "public",
  summary: "Liveness: the process serves HTTP",
  description: "Touches no database, so a database outage does not get a healthy process restarted; /api/health is the readiness check.",
  responses: { 200: z.object({ status: z.literal("ok") }) },
});
