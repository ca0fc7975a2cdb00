import { z } from "zod";
import { ORDERING_MODES } from "@/lib/webhooks/ordering";
import { RATE_LIMIT_MAX_PER_SECOND, RATE_LIMIT_MIN_PER_SECOND } from "@/lib/webhooks/rate-limit";
import { RETRY_PRESETS } from "@/lib/webhooks/retry-presets";
import { ENDPOINT_HEADERS_MAX } from "@/lib/webhooks/endpoint-headers";
import { SIGNATURE_SCHEMES } from "@/lib/webhooks/signing-keys";

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
  /** Send a W3C `traceparent` header with each attempt. */
  sendTraceparent: z.boolean().optional(),
};

/** How an endpoint signs, on create and update: `hmac` (default) or `ed25519` (signing-keys.ts). */
export const signatureSchemeFields = {
  signatureScheme: z.enum(SIGNATURE_SCHEMES, { error: `must be one of ${SIGNATURE_SCHEMES.join(", ")}` }).optional(),
};

/** Custom headers as the JSON API accepts them; names and values are checked by endpoint-headers.ts (422 invalid_headers). */
const headerMap = z.record(z.string(), z.string());

/** `headers` on create; on update `headers` replaces the set and `headerChanges` edits single headers. */
export const endpointHeadersFields = {
  headers: headerMap.optional(),
};
export const endpointHeaderChangesFields = {
  ...endpointHeadersFields,
  headerChanges: z.object({ set: headerMap.optional(), remove: z.array(z.string()).max(ENDPOINT_HEADERS_MAX).optional() }).strict().optional(),
};
