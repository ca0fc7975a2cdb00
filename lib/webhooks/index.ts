/**
 * The webhook platform's public surface. Backend code imports from here:
 *
 *   import { sendWebhookNotification } from "@/lib/webhooks";
 *   await sendWebhookNotification(orgId, "invoice.paid", `invoice-${id}-paid`, { invoiceId: id, amount: 4200, currency: "usd" });
 */
export {
  generateHmacSignature,
  verifyWebhookSignature,
  signStandardWebhook,
  verifyStandardWebhookSignature,
  buildWebhookHeaders,
  USER_AGENT,
  type StandardWebhookVerifyInput,
} from "@/lib/webhooks/sign";
export {
  generateSigningKeyPair,
  publicKeyOf,
  publicKeyPem,
  isValidPublicKey,
  SIGNATURE_SCHEMES,
  PRIVATE_KEY_PREFIX,
  PUBLIC_KEY_PREFIX,
  type SignatureScheme,
  type SigningKeyPair,
} from "@/lib/webhooks/signing-keys";
export { validateWebhookUrl, assertValidWebhookUrl } from "@/lib/webhooks/url-guard";
export { sendWebhook, type SendWebhookOptions, type SendWebhookResult } from "@/lib/webhooks/send";
export { sendWebhookNotification, type EnqueueOptions, type EnqueueResult } from "@/lib/webhooks/enqueue";
export {
  sendWebhookNotifications,
  isBatchItemError,
  BATCH_MAX_ITEMS,
  type BatchItem,
  type BatchItemError,
  type BatchItemResult,
  type BatchOptions,
} from "@/lib/webhooks/batch";
export { RawJson, rawJson } from "@/lib/webhooks/raw-json";
export { processDueDeliveries, startWorker, type WorkerHandle, type WorkerOptions } from "@/lib/webhooks/worker";
export {
  createEndpoint,
  updateEndpoint,
  getEndpoint,
  listEndpoints,
  disableEndpoint,
  enableEndpoint,
  deleteEndpoint,
  rotateEndpointSecret,
  rotateEndpointCredential,
  revealEndpointSecret,
  getEndpointPublicKey,
  SECRET_ROTATION_GRACE_SECONDS,
  type EndpointView,
  type CreatedEndpoint,
  type RotatedCredential,
  type CreateEndpointOptions,
  type UpdateEndpointOptions,
} from "@/lib/webhooks/endpoints";
export { recoverDeliveries, countRecoverable, type RecoverFilter } from "@/lib/webhooks/manual";
export { ENDPOINT_HEADERS_MAX, ENDPOINT_HEADERS_MAX_BYTES, type EndpointHeaders, type HeaderChanges } from "@/lib/webhooks/endpoint-headers";
export { WebhookCircuitBreaker, CIRCUIT_OPEN_AFTER_FAILURES } from "@/lib/webhooks/circuit-breaker";
export { RETRY_SCHEDULE_SECONDS } from "@/lib/webhooks/retry-policy";
export {
  DELIVERY_OUTCOMES,
  deliveryOutcome,
  deliveryState,
  endpointHealth,
  SUCCESS_RATE_BASIS,
  type DeliveryOutcome,
  type DeliveryState,
  type EndpointHealth,
} from "@/lib/webhooks/outcomes";
export { EVENT_TYPE_PATTERN, MAX_PAYLOAD_BYTES, type WebhookEnvelope } from "@/lib/webhooks/events";
export { EVENT_CATALOGUE, declaredEventType, publishedEventType, type EventTypeDefinition } from "@/lib/webhooks/event-catalogue";
export {
  WebhookError,
  WebhookValidationError,
  WebhookNotFoundError,
  TransportError,
  SecretError,
  type WebhookErrorCode,
} from "@/lib/webhooks/errors";
