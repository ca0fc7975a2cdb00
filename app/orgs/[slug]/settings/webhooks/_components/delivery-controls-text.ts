import { getEnv } from "@/lib/env";
import type { EndpointView } from "@/lib/webhooks/endpoints";
import { RATE_LIMIT_MAX_PER_SECOND, RATE_LIMIT_MIN_PER_SECOND } from "@/lib/webhooks/rate-limit";
import { RETRY_PRESETS, type RetryPresetName, retrySchedule, scheduleSpanText } from "@/lib/webhooks/retry-presets";

/** How an endpoint's delivery controls read on its pages (server side: the standard schedule is the installation's). */

const PRESET_LABELS: Record<RetryPresetName, string> = { standard: "Standard", short: "Short", none: "No retries" };

/** "5 s", "30 min", "2 h". */
function delayText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round((seconds / 60) * 10) / 10} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

/** "8 attempts over about 27.6 hours: at once, then 5 s, 5 min, … later" for one preset. */
export function presetScheduleText(preset: RetryPresetName): string {
  const schedule = retrySchedule(preset, getEnv().webhookRetrySchedule);
  if (schedule.length <= 1) return "One attempt; a failure gives up at once (you can still redeliver it by hand).";
  return `${scheduleSpanText(schedule)}: at once, then ${schedule.slice(1).map(delayText).join(", ")} after the attempt before.`;
}

/** The presets as the settings form offers them. */
export function retryPresetOptions() {
  return RETRY_PRESETS.map((name) => ({ name, label: PRESET_LABELS[name], schedule: presetScheduleText(name) }));
}

export const RATE_LIMIT_RANGE = { min: RATE_LIMIT_MIN_PER_SECOND, max: RATE_LIMIT_MAX_PER_SECOND };

/** The controls in words, for the overview and the read-only settings. */
export function describeDeliveryControls(endpoint: Pick<EndpointView, "ordering" | "rateLimitPerSecond" | "retryPreset" | "sendTraceparent">) {
  return {
    order: endpoint.ordering === "ordered" ? "In order by ordering key, one at a time per key" : "In parallel",
    rate: endpoint.rateLimitPerSecond === null ? "No limit" : `At most ${endpoint.rateLimitPerSecond} attempts start per second`,
    retries: `${PRESET_LABELS[endpoint.retryPreset]} — ${scheduleSpanText(retrySchedule(endpoint.retryPreset, getEnv().webhookRetrySchedule))}`,
    trace: endpoint.sendTraceparent ? "Sends a traceparent header with each attempt" : "No traceparent header",
  };
}
