import { prisma } from "@/lib/db";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** 200 `{"status":"ok","database":"ok"}` after a real query; 503 when the database is unreachable. */
export async function GET(): Promise<Response> {
  const report = await checkHealth(prisma);
  return Response.json(report, {
    status: report.database === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
