import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { apiRoute } from "@/lib/http/route";
import { getWebhookMetrics, METRICS_PERIODS, type MetricsPeriod } from "@/lib/webhooks/metrics";
import { metricsResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

const query = z.object({
  organizationId: z.string().regex(/^org_[0-9a-z]{26}$/, "must be an organization id (org_…)").optional(),
  period: z.enum(Object.keys(METRICS_PERIODS) as [MetricsPeriod, ...MetricsPeriod[]]).optional(),
});

/**
 * The classic guide's metrics: `{period, total, successful, failed, successRate,
 * avgDeliveryTimeMs, retryRate, …}`. Owners/admins see their own organization;
 * ops (METRICS_TOKEN) any organization, or all of them when none is named.
 */
export const GET = apiRoute({
  access: "metrics",
  query,
  summary: "Delivery metrics",
  description: "The period's deliveries (default 7d): totals, success rate, timings, retries, the backlog. Owners and admins see their own organization; the operator any organization, or all of them when none is named.",
  responses: { 200: metricsResponse },
}, async ({ actor, query }) => {
  let organizationId = query.organizationId;
  if (actor.role !== "ops") {
    // Another organization's id is indistinguishable from a missing one.
    if (organizationId && organizationId !== actor.organizationId) throw new HttpError(404, "organization_not_found", "Organization not found");
    organizationId = actor.organizationId;
  }
  return getWebhookMetrics({ organizationId, period: query.period ?? "7d" });
});
