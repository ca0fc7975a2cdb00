import { apiRoute } from "@/lib/http/route";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "@/lib/webhooks/telemetry";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint, behind `Authorization: Bearer $METRICS_TOKEN`. */
export const GET = apiRoute({ access: "metrics_token" }, async () => {
  return new Response(await renderPrometheus(), { headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" } });
});
