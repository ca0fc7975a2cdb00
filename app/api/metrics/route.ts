import { apiRoute } from "@/lib/http/route";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "@/lib/webhooks/telemetry";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint, behind `Authorization: Bearer $METRICS_TOKEN`. */
export const GET = apiRoute({
  access: "metrics_token",
  summary: "Prometheus metrics",
  description: "The scrape endpoint: every organization's delivery figures in the Prometheus text format.",
  responses: { 200: { description: "The Prometheus text exposition format", media: { [PROMETHEUS_CONTENT_TYPE.split(";")[0]!]: "Metrics in the Prometheus text format (version 0.0.4)" } } },
}, async () => {
  return new Response(await renderPrometheus(), { headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" } });
});
