import { HttpError } from "@/lib/http/errors";
import { isMetricsToken, toResponse } from "@/lib/http/route";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "@/lib/webhooks/telemetry";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint, behind `Authorization: Bearer $METRICS_TOKEN`. */
export async function GET(request: Request): Promise<Response> {
  try {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    if (!isMetricsToken(token)) throw new HttpError(401, "unauthenticated", "Send Authorization: Bearer $METRICS_TOKEN");
    return new Response(await renderPrometheus(), { headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" } });
  } catch (error) {
    return toResponse(error);
  }
}
