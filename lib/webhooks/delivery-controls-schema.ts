import { z } from "zod";
import { ORDERING_MODES } from "@/lib/webhooks/ordering";
import { RATE_LIMIT_MAX_PER_SECOND, RATE_LIMIT_MIN_PER_SECOND } from "@/lib/webhooks/rate-limit";
import { RETRY_PRESETS } from "@/lib/webhooks/retry-presets";

/** The delivery controls of an endpoint as the JSON API accepts them (create and update). */
export const deliveryControlsFields = {
  ordering: z.enum(ORDERING_MODES).optional(),
  rateLimitPerSecond: z
    .number()
    .int(`must be a whole number from ${RATE_LIMIT_MIN_PER_SECOND} to ${RATE_LIMIT_MAX_PER_SECOND}, or null for no limit`)
    .min(RATE_LIMIT_MIN_PER_SECOND)
    .max(RATE_LIMIT_MAX_PER_SECOND)
    .nullable()
    .optional(),
  retryPreset: z.enum(RETRY_PRESETS).optional(),
};
