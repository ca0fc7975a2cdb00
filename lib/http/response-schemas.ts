import { z } from "zod";
import { API_KEY_SCOPES } from "@/lib/api-key-scopes";
import { AUDIT_ACTIONS } from "@/lib/audit/record";
import { schemas } from "@/lib/http/schemas";
import { METRICS_PERIODS, type MetricsPeriod } from "@/lib/webhooks/metrics";
import { ORDERING_MODES } from "@/lib/webhooks/ordering";
import { DELIVERY_OUTCOMES } from "@/lib/webhooks/outcomes";
import { RETRY_PRESETS } from "@/lib/webhooks/retry-presets";
import { SIGNATURE_SCHEMES } from "@/lib/webhooks/signing-keys";

/**
 * The JSON the API answers, as zod schemas: the API reference (lib/http/openapi.ts) publishes
 * them through `z.toJSONSchema`, and the reference's test checks real answers against it, so a
 * field added, dropped or renamed in a view without changing its schema here fails that test.
 * Objects are closed (an undeclared field is drift); dates are the ISO strings `Response.json`
 * makes of them. Schemas with an `id` become `components.schemas` of the document.
 */

/** A `Date` as JSON: `toISOString()`. */
export const isoDateTime = z.iso.datetime();
const nullableDate = isoDateTime.nullable();

const id = schemas.id;

/** One zod issue as `errorBody` reports it (lib/http/errors.ts). */
const errorIssue = z.object({
  path: z.array(z.string()).describe('Where: starts with "body", "query", "params" or "headers"'),
  message: z.string(),
  code: z.string().describe("zod's issue code (invalid_type, too_big, …)"),
});

/** Every error answer: `errorBody(code, message, extra)`. */
export const errorResponse = z
  .looseObject({
    error: z.string().describe("A stable code: invalid_request, unauthenticated, missing_scope, endpoint_not_found, rate_limited, …"),
    message: z.string().describe("A sentence for people"),
    issues: z.array(errorIssue).optional().describe("400 invalid_request: each problem with the request"),
    missingScope: z.enum(API_KEY_SCOPES).optional().describe("403 missing_scope: the scope the API key lacks"),
    scopes: z.array(z.enum(API_KEY_SCOPES)).optional().describe("403 missing_scope: the scopes the API key holds"),
    limit: z.union([z.string(), z.number()]).optional().describe("429: the limit, in words; 409 quota errors: the quota"),
    current: z.number().optional().describe("409 quota errors: how many there are now"),
    retryAfterSeconds: z.number().optional().describe("429: also in the Retry-After header"),
  })
  .meta({ id: "Error", description: "An error answer. Never a stack trace." });

/** What `endpointActivity` says of an endpoint (lib/webhooks/endpoint-activity.ts), on the endpoints list. */
const endpointActivity = z
  .object({
    health: z.object({
      state: z.enum(["active", "failing", "circuit_open", "disabled", "cannot_sign"]),
      reason: z.string().nullable(),
      since: nullableDate,
      until: nullableDate,
    }),
    lastDeliveryAt: nullableDate,
    lastOutcome: z.enum(DELIVERY_OUTCOMES).nullable(),
    lastSuccessAt: nullableDate,
    last24h: z.object({
      total: z.number().int(),
      delivered: z.number().int(),
      failed: z.number().int(),
      failing: z.number().int(),
      waiting: z.number().int(),
      cancelled: z.number().int(),
      attempted: z.number().int(),
      successRate: z.number().nullable().describe("Delivered of attempted, in percent; null when nothing was attempted"),
    }),
    successRate24h: z.number().nullable(),
    total24h: z.number().int(),
    delivered24h: z.number().int(),
  })
  .meta({ id: "EndpointActivity", description: "How an endpoint is doing: health, last delivery, the last 24 hours" });

/** `endpointJson` (lib/http/views.ts). */
export const endpointResponse = z
  .object({
    id: id("ep"),
    url: z.string().describe("Whole for owners, admins and keys with endpoints:write; scheme and host only (https://host/…) otherwise; cli://listen for a listen session"),
    description: z.string(),
    eventTypes: z.array(z.string()).describe("Empty: every event"),
    status: z.enum(["active", "disabled"]),
    disabledReason: z.string().nullable(),
    disabledAt: nullableDate,
    previousSecretExpiresAt: nullableDate.describe("When the previous credential stops signing, during a rotation's grace"),
    signatureScheme: z.enum(SIGNATURE_SCHEMES).describe("hmac: v1 signatures with a shared whsec_ secret; ed25519: v1a signatures verified with publicKey"),
    publicKey: z.string().nullable().describe("An ed25519 endpoint's whpk_ public key; null for hmac"),
    previousSignatureScheme: z.enum(SIGNATURE_SCHEMES).nullable(),
    lastSuccessAt: nullableDate,
    lastFailureAt: nullableDate,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    ordering: z.enum(ORDERING_MODES),
    rateLimitPerSecond: z.number().int().nullable(),
    retryPreset: z.enum(RETRY_PRESETS),
    sendTraceparent: z.boolean(),
    headers: z.record(z.string(), z.string()).describe("Custom headers by name; values are always masked"),
    lastDisabledAt: nullableDate,
    kind: z.enum(["http", "cli"]).describe("cli: a listen session's endpoint, reached down the CLI's stream"),
    listenSeenAt: nullableDate,
    activity: endpointActivity.optional().describe("On the endpoints list only"),
  })
  .meta({ id: "Endpoint" });

/** `{ endpoint }`, and the new shared secret when the answer makes one. */
export const endpointWithSecretResponse = z.object({
  endpoint: endpointResponse,
  secret: z.string().regex(/^whsec_/).optional().describe("A new hmac endpoint's signing secret: in this answer only"),
});

/** An API key as `listApiKeys` shows it (lib/api-keys.ts); the key itself is never shown again. */
export const apiKeyResponse = z
  .object({
    id: id("key"),
    name: z.string(),
    prefix: z.string().describe("The key's first characters, to tell keys apart"),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    createdAt: isoDateTime,
    lastUsedAt: nullableDate,
    revokedAt: nullableDate,
  })
  .meta({ id: "ApiKey" });

/** `deliveryState` (lib/webhooks/outcomes.ts). */
const deliveryState = z
  .object({
    outcome: z.enum(DELIVERY_OUTCOMES),
    attemptsMade: z.number().int(),
    attemptsAllowed: z.number().int(),
    manualAttempts: z.number().int(),
    nextAttemptAt: nullableDate,
    heldBy: z.enum(["circuit_open", "cannot_sign", "listen_disconnected"]).nullable(),
    heldUntil: nullableDate,
    reason: z.string().nullable(),
    test: z.boolean(),
  })
  .meta({ id: "DeliveryState", description: "A delivery as a person should read it: what happened, what happens next, and why" });

const deliveryStatus = z.enum(["pending", "delivered", "failed", "cancelled"]).describe("The stored state; state.outcome is what to show");

/** One row of `listDeliveries` (lib/webhooks/history.ts). */
const deliverySummary = z
  .object({
    id: id("msg"),
    event: z.string(),
    idempotencyKey: z.string(),
    endpointId: id("ep"),
    endpointUrl: z.string(),
    status: deliveryStatus,
    attempts: z.number().int().describe("Scheduled attempts"),
    manualAttempts: z.number().int(),
    state: deliveryState,
    orderingKey: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: isoDateTime,
    deliveredAt: nullableDate,
    nextAttemptAt: nullableDate,
  })
  .meta({ id: "DeliverySummary" });

export const deliveryPageResponse = z.object({
  items: z.array(deliverySummary).describe("Newest first"),
  nextCursor: z.string().nullable().describe("Older deliveries; null on the last page"),
  prevCursor: z.string().nullable().describe("Newer deliveries; null on the newest page"),
  count: z.number().int(),
  countCapped: z.boolean(),
});

/** `getDeliveryDetail` (lib/webhooks/history.ts). */
export const deliveryDetailResponse = z
  .object({
    id: id("msg"),
    event: z.string(),
    idempotencyKey: z.string(),
    status: deliveryStatus,
    attempts: z.number().int(),
    manualAttempts: z.number().int(),
    state: deliveryState,
    ordering: z.object({ key: z.string(), ahead: z.number().int(), waitingFor: z.string().nullable() }).nullable(),
    createdAt: isoDateTime,
    deliveredAt: nullableDate,
    nextAttemptAt: nullableDate,
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    endpoint: z.object({
      id: id("ep"),
      url: z.string(),
      description: z.string(),
      status: z.enum(["active", "disabled"]),
      ordering: z.enum(ORDERING_MODES),
      rateLimitPerSecond: z.number().int().nullable(),
      retryPreset: z.enum(RETRY_PRESETS),
    }),
    eventId: id("evt"),
    payload: z.string().describe("The exact bytes that were signed and sent"),
    attemptsTotal: z.number().int(),
    olderAttemptsBefore: z.number().int().nullable().describe("Pass as attemptsBefore for the next page; null on the last"),
    attemptLog: z
      .array(
        z.object({
          id: id("att"),
          number: z.number().int(),
          trigger: z.enum(["scheduled", "manual", "test"]),
          startedAt: isoDateTime,
          durationMs: z.number().int(),
          url: z.string(),
          requestHeaders: z.record(z.string(), z.string()).describe("Signature values masked"),
          statusCode: z.number().int().nullable(),
          responseHeaders: z.record(z.string(), z.string()).nullable(),
          responseBody: z.string().nullable(),
          responseBodyTruncated: z.boolean(),
          errorCode: z.string().nullable(),
          error: z.string().nullable(),
          success: z.boolean(),
        }),
      )
      .describe("Newest first"),
  })
  .meta({ id: "DeliveryDetail" });

/** `ManualAttemptResult` (lib/webhooks/manual.ts): a redelivery or a test send. */
export const manualAttemptResponse = z
  .object({
    deliveryId: id("msg"),
    success: z.boolean(),
    statusCode: z.number().int().optional(),
    error: z.string().optional(),
    errorCode: z.string().optional().describe("Why no HTTP exchange happened: timeout, dns_failure, connection_failed, …"),
    durationMs: z.number(),
    responseSnippet: z.string().optional(),
    status: deliveryStatus,
    outsideOrder: z.object({ orderingKey: z.string(), note: z.string() }).optional(),
  })
  .meta({ id: "ManualAttemptResult" });

/** `SendWebhookResult` (lib/webhooks/send.ts): the classic test route's send, nothing stored. */
export const sendWebhookResultResponse = z.object({
  success: z.boolean(),
  attempts: z.number().int(),
  statusCode: z.number().int().optional(),
  error: z.string().optional(),
  durationMs: z.number(),
  responseBody: z.string().optional(),
});

const diagnosisStep = z.object({
  name: z.enum(["dns", "tcp", "tls", "request", "signature"]),
  title: z.string(),
  status: z.enum(["passed", "warning", "failed", "skipped"]),
  durationMs: z.number().nullable(),
  summary: z.string(),
  fix: z.string().nullable(),
  guide: z.string(),
  addresses: z.array(z.object({ address: z.string(), family: z.number().int(), allowed: z.boolean(), refusal: z.enum(["private", "metadata"]).nullable() })).optional(),
  connection: z.object({ address: z.string(), port: z.number().int() }).optional(),
  certificate: z
    .object({
      subject: z.string(),
      names: z.array(z.string()),
      issuer: z.string(),
      validFrom: isoDateTime,
      validTo: isoDateTime,
      daysLeft: z.number().int(),
      hostnameMatches: z.boolean(),
      fingerprint256: z.string(),
      protocol: z.string().nullable(),
    })
    .optional(),
  response: z
    .object({ deliveryId: id("msg"), statusCode: z.number().int().nullable(), durationMs: z.number(), excerpt: z.string().nullable(), error: z.string().nullable() })
    .optional(),
});

/** `Diagnosis` (lib/webhooks/diagnose.ts). */
export const diagnosisResponse = z
  .object({
    endpointId: id("ep"),
    host: z.string(),
    checkedAt: isoDateTime,
    healthy: z.boolean(),
    throughProxy: z.boolean(),
    steps: z.array(diagnosisStep),
  })
  .meta({ id: "Diagnosis" });

/** `WebhookMetrics` (lib/webhooks/metrics.ts): every figure a number, never null. */
export const metricsResponse = z
  .object({
    period: z.enum(Object.keys(METRICS_PERIODS) as [MetricsPeriod, ...MetricsPeriod[]]),
    total: z.number().int(),
    successful: z.number().int(),
    failed: z.number().int(),
    retrying: z.number().int(),
    attempted: z.number().int(),
    cancelled: z.number().int(),
    successRate: z.number(),
    avgDeliveryTimeMs: z.number(),
    retryRate: z.number(),
    pending: z.number().int(),
    oldestPendingAgeSeconds: z.number(),
    p50DeliveryTimeMs: z.number(),
    p95DeliveryTimeMs: z.number(),
    avgAttempts: z.number(),
    failedLast24h: z.number().int(),
    held: z.number().int(),
    openCircuits: z.number().int(),
    disabledEndpoints: z.number().int(),
  })
  .meta({ id: "WebhookMetrics" });

/** One page of `listAuditLog` (lib/audit/query.ts). */
export const auditLogPageResponse = z.object({
  items: z.array(
    z
      .object({
        id: id("aud"),
        actorType: z.enum(["user", "api_key", "system"]),
        actorUserId: z.string().nullable(),
        actorApiKeyId: z.string().nullable(),
        actorEmail: z.string().nullable(),
        action: z.enum(AUDIT_ACTIONS),
        targetType: z.string().nullable(),
        targetId: z.string().nullable(),
        details: z.unknown().describe("A few non-secret facts; never a URL, a secret or a key"),
        ipAddress: z.string().nullable(),
        userAgent: z.string().nullable(),
        createdAt: isoDateTime,
      })
      .meta({ id: "AuditLogEntry" }),
  ),
  nextCursor: z.string().nullable().describe("Pass as cursor for the next (older) page; null on the last"),
});

/** `POST /api/v1/events`: 202 for a new event, 200 for a repeat of its idempotency key. */
export const ingestResponse = z.object({
  eventId: id("evt"),
  deliveries: z.number().int().describe("Deliveries made: one per subscribed endpoint"),
  duplicate: z.boolean(),
});

/** One item's answer in a batch (`BatchAnswer`, lib/http/ingest.ts). */
export const batchResponse = z.object({
  results: z
    .array(
      z.union([
        ingestResponse.extend({ status: z.union([z.literal(200), z.literal(202)]) }),
        z.object({
          status: z.union([z.literal(400), z.literal(413), z.literal(422)]),
          error: z.object({ code: z.string(), message: z.string(), issues: z.array(errorIssue).optional() }),
        }),
      ]),
    )
    .describe("In input order, each what POST /api/v1/events would have answered for the item alone"),
});

/** `HealthReport` (lib/health.ts). */
export const healthResponse = z.object({ status: z.enum(["ok", "error"]), database: z.enum(["ok", "unreachable"]) });

/** `publishedEventType` (lib/webhooks/event-catalogue.ts). */
export const eventTypesResponse = z.object({
  eventTypes: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      schema: z.record(z.string(), z.unknown()).describe("The event's data as JSON Schema (draft 2020-12)"),
      example: z.unknown(),
    }),
  ),
  undeclaredEventTypes: z.enum(["allow", "refuse"]).describe("Whether this installation accepts event types outside the catalogue"),
});

/** `{ requireOwnerTwoFactor }` (lib/auth/two-factor-policy.ts). */
export const organizationSecurityResponse = z.object({ requireOwnerTwoFactor: z.boolean() });

/** The API reference itself, loosely: an OpenAPI 3.1 document. */
export const openApiDocumentResponse = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** `getEndpointPublicKey` (lib/webhooks/endpoints.ts) as JSON. */
export const publicKeyResponse = z.object({
  publicKey: z.string().regex(/^whpk_/),
  pem: z.string().regex(/^-----BEGIN PUBLIC KEY-----/).describe("The same key as a SubjectPublicKeyInfo PEM"),
});
