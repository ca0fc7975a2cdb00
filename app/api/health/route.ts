import { prisma } from "@/lib/db";
import { checkHealth } from "@/lib/health";
import { healthResponse } from "@/lib/http/response-schemas";
import { documentRoute } from "@/lib/http/route-docs";

export const dynamic = "force-dynamic";

/** 200 `{"status":"ok","database":"ok"}` after a real query; 503 when the database is unreachable. */
export async function GET(): Promise<Response> {
  const report = await checkHealth(prisma);
  return Response.json(report, {
    status: report.database === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}

documentRoute(GET, {
  access: "public",
  summary: "Readiness: the database answers",
  description: "Runs a real query (at most 3 s). For load balancers: route traffic here only while it answers 200.",
  responses: { 200: healthResponse, 503: { description: "The database is unreachable", json: healthResponse } },
});
