import {
  type Attributes,
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  DiagLogLevel,
  isSpanContextValid,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  RandomIdGenerator,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-node";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_SCHEME,
} from "@opentelemetry/semantic-conventions";
import { type Env, getEnv, type TraceSamplerName } from "@/lib/env";
import { logger } from "@/lib/logger";
import { TransportError } from "@/lib/webhooks/errors";
import type { TransportResponse } from "@/lib/webhooks/transport";
import { statusClass, telemetry } from "@/lib/webhooks/telemetry";

/**
 * OpenTelemetry traces of the delivery path: ingest → enqueue → claim → attempt → record.
 *
 * Exported over OTLP/HTTP (JSON) only when `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set and the process called {@link startTracing};
 * otherwise every span here is the API's no-op span: nothing is recorded or sent.
 *
 * An event stores the W3C trace context of the enqueue that wrote it
 * (`WebhookEvent.traceparent`), so its attempts — in any worker process, hours later — are
 * children of that span, in the trace of the ingest that created them.
 */

/** The span names, one per step of the delivery path. */
export const SPAN_NAMES = {
  /** `sendWebhookNotification` / `sendWebhookNotifications` (and so `POST /api/v1/events[/batch]`). */
  ingest: "webhook.ingest",
  /** The write of the events and their deliveries; its context is stored with each event. */
  enqueue: "webhook.enqueue",
  /** One claim round of a worker that leased deliveries (a root span; attempts link to it). */
  claim: "webhook.claim",
  /** One attempt (scheduled, manual or test): a child of the stored event's context. */
  attempt: "webhook.attempt",
  /** The attempt's record write, child of the attempt. */
  record: "webhook.record",
} as const;

/** The platform's own span attributes (the standard ones come from the semantic conventions). */
export const TRACE_ATTRIBUTES = {
  organizationId: "webhook.organization_id",
  eventType: "webhook.event_type",
  eventId: "webhook.event_id",
  endpointId: "webhook.endpoint_id",
  deliveryId: "webhook.delivery_id",
  /** 1 + the scheduled attempts made before this one. */
  attemptNumber: "webhook.attempt.number",
  /** scheduled, manual or test. */
  attemptTrigger: "webhook.attempt.trigger",
  /** The verdict: success, retry, give_up or disable. */
  attemptOutcome: "webhook.attempt.outcome",
  deliveries: "webhook.deliveries",
  duplicate: "webhook.duplicate",
  batchSize: "webhook.batch.size",
  eventCount: "webhook.event_count",
  claimLimit: "webhook.claim.limit",
  claimCount: "webhook.claim.count",
  workerId: "webhook.worker.id",
  /** A resource attribute: web, worker, or web+worker (`npm start` with its embedded worker). */
  processRole: "webhook.process.role",
} as const;

/** What a process does, carried on every span it exports (`webhook.process.role`). */
export type ProcessRole = "web" | "worker" | "web+worker";

/** Longest wait for the last spans to leave when a process stops. */
export const TRACING_SHUTDOWN_TIMEOUT_MS = 5_000;

/** Asked for at each use: a tracer kept from before {@link stopTracing} would still feed the stopped provider. */
const tracer = () => trace.getTracer("webhooks");
const w3c = new W3CTraceContextPropagator();
const ids = new RandomIdGenerator();

/** One provider per process, wherever this module is loaded from (Next.js may load it twice). */
const holder = globalThis as typeof globalThis & { __webhookTracing?: NodeTracerProvider };

export interface StartTracingOptions {
  role: ProcessRole;
  /** Default the process's configuration. */
  env?: Env;
  /** Where spans go; default the OTLP/HTTP exporter at the configured endpoint (tests pass their own). */
  exporter?: SpanExporter;
}

function samplerOf(name: TraceSamplerName, ratio: number): Sampler {
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * Starts exporting this process's spans when the configuration names an OTLP endpoint:
 * a batch processor and the standard OTLP/HTTP exporter (which also reads the other
 * `OTEL_EXPORTER_OTLP_*` variables: headers, timeout, compression), registered as the
 * global provider with the W3C propagator and an AsyncLocalStorage context. Resource:
 * `service.name` (OTEL_SERVICE_NAME, default webhook-platform), `service.instance.id` (the
 * process, as in the Prometheus `process` label), `webhook.process.role`, and whatever
 * OTEL_RESOURCE_ATTRIBUTES adds. Returns false, and does nothing, when no endpoint is set
 * or tracing already runs in this process. Call {@link stopTracing} when the process stops.
 */
export function startTracing(options: StartTracingOptions): boolean {
  const config = (options.env ?? getEnv()).tracing;
  if (holder.__webhookTracing || !config) return false;
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: config.serviceName,
        "service.instance.id": telemetry().processId,
        [TRACE_ATTRIBUTES.processRole]: options.role,
      }),
    );
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: config.tracesUrl });
  const provider = new NodeTracerProvider({
    resource,
    sampler: samplerOf(config.sampler, config.samplerRatio),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // The SDK reports failed exports through its diagnostic logger: to ours, as warnings.
  diag.setLogger(
    {
      error: (message, ...args) => logger.warn({ args }, `tracing: ${message}`),
      warn: (message, ...args) => logger.warn({ args }, `tracing: ${message}`),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  provider.register();
  holder.__webhookTracing = provider;
  // The host only: an endpoint URL may carry credentials.
  logger.info({ collector: new URL(config.tracesUrl).host, serviceName: config.serviceName, role: options.role }, "exporting traces over OTLP");
  return true;
}

/** Whether this process records and exports spans. */
export function tracingEnabled(): boolean {
  return holder.__webhookTracing !== undefined;
}

/** Sends the spans ended so far (tests; a stopping process uses {@link stopTracing}). */
export async function flushTracing(): Promise<void> {
  await holder.__webhookTracing?.forceFlush();
}

/**
 * Flushes the spans still queued (waiting at most {@link TRACING_SHUTDOWN_TIMEOUT_MS} for an
 * unreachable collector), shuts the exporter down and unregisters the global provider. A
 * no-op when tracing is off. Never throws: a stopping process must not fail over traces.
 */
export async function stopTracing(): Promise<void> {
  const provider = holder.__webhookTracing;
  if (!provider) return;
  holder.__webhookTracing = undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      provider.shutdown(),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn({ timeoutMs: TRACING_SHUTDOWN_TIMEOUT_MS }, "tracing: the last spans were not exported in time");
          resolve();
        }, TRACING_SHUTDOWN_TIMEOUT_MS);
        timer.unref();
      }),
    ]);
  } catch (error) {
    logger.warn({ err: error }, "tracing: shutting the exporter down failed");
  } finally {
    clearTimeout(timer);
    trace.disable();
    context.disable();
    propagation.disable();
    diag.disable();
  }
}

/** A failed span: status ERROR, `error.type` the library's code (or the error's name). */
function markFailed(span: Span, error: unknown): void {
  const code = typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : error instanceof Error ? error.name : "error";
  span.setAttribute(ATTR_ERROR_TYPE, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs `fn` inside a new active span (child of the active context unless `parent` is
 * given), ends it when `fn` settles, and marks it failed when `fn` throws (rethrown).
 */
export function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context; links?: Link[] },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, options.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `traceparent` of a span context. */
function formatTraceparent(spanContext: SpanContext): string {
  const carrier: Record<string, string> = {};
  w3c.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), carrier, defaultTextMapSetter);
  return carrier.traceparent!;
}

/**
 * The active span's W3C `traceparent`, or null when there is none to continue (tracing off):
 * what an enqueue stores with its events.
 */
export function activeTraceparent(): string | null {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && isSpanContextValid(spanContext) ? formatTraceparent(spanContext) : null;
}

/** The context a stored `traceparent` names (a remote parent), or undefined for none or a malformed one. */
export function contextOfTraceparent(traceparent: string | null | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = w3c.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext && isSpanContextValid(spanContext) ? extracted : undefined;
}

/**
 * Runs one claim and, when it leased something (or failed), records a `webhook.claim` root
 * span over it and hands each lease the span's context, for its attempt's link. An empty
 * claim is not traced: an idle worker polls every second and would export a span each time.
 */
export async function tracedClaim<Lease extends { claimSpan?: SpanContext }>(attributes: { limit: number; workerId: string }, claim: () => Promise<Lease[]>): Promise<Lease[]> {
  const startTime = Date.now();
  const span = (extra: Attributes) =>
    tracer().startSpan(SPAN_NAMES.claim, {
      root: true,
      startTime,
      attributes: { [TRACE_ATTRIBUTES.claimLimit]: attributes.limit, [TRACE_ATTRIBUTES.workerId]: attributes.workerId, ...extra },
    });
  let leases: Lease[];
  try {
    leases = await claim();
  } catch (error) {
    const failed = span({});
    markFailed(failed, error);
    failed.end();
    throw error;
  }
  if (leases.length === 0) return leases;
  const claimed = span({ [TRACE_ATTRIBUTES.claimCount]: leases.length });
  // Asked before end(): an ended span no longer records.
  const recorded = claimed.isRecording();
  claimed.end();
  if (recorded) for (const lease of leases) lease.claimSpan = claimed.spanContext();
  return leases;
}

/** What the `webhook.attempt` span says about its delivery before anything is sent. */
export interface AttemptSpanInput {
  deliveryId: string;
  organizationId: string;
  endpointId: string;
  eventType: string;
  url: string;
  number: number;
  trigger: string;
  /** The event's stored trace context: the attempt's parent when present. */
  traceparent?: string | null;
  /** The claim that leased the delivery, linked from the attempt. */
  claimSpan?: SpanContext;
}

/** Host and port of a URL, for `server.address` / `server.port` (never the path or query: they may hold tokens). */
function serverOf(url: string): Attributes {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
    return { [ATTR_SERVER_ADDRESS]: parsed.hostname, [ATTR_SERVER_PORT]: port, [ATTR_URL_SCHEME]: parsed.protocol.slice(0, -1) };
  } catch {
    return {};
  }
}

/**
 * Runs one attempt inside its `webhook.attempt` span: a client span whose parent is the
 * event's stored context (else the active one), linked to the claim that leased it. `fn`
 * gets the span and a function giving the `traceparent` header for it (see
 * {@link attemptTraceparent}).
 */
export function inAttemptSpan<T>(input: AttemptSpanInput, fn: (span: Span, traceparent: () => string) => Promise<T>): Promise<T> {
  const parent = contextOfTraceparent(input.traceparent) ?? context.active();
  return inSpan(
    SPAN_NAMES.attempt,
    {
      kind: SpanKind.CLIENT,
      parent,
      links: input.claimSpan ? [{ context: input.claimSpan }] : [],
    },
    (span) => {
      // Built only for a span that records: with tracing off an attempt costs nothing here.
      if (span.isRecording()) {
        span.setAttributes({
          [TRACE_ATTRIBUTES.deliveryId]: input.deliveryId,
          [TRACE_ATTRIBUTES.organizationId]: input.organizationId,
          [TRACE_ATTRIBUTES.endpointId]: input.endpointId,
          [TRACE_ATTRIBUTES.eventType]: input.eventType,
          [TRACE_ATTRIBUTES.attemptNumber]: input.number,
          [TRACE_ATTRIBUTES.attemptTrigger]: input.trigger,
          [ATTR_HTTP_REQUEST_METHOD]: "POST",
          ...serverOf(input.url),
        });
      }
      return fn(span, () => attemptTraceparent(span, parent));
    },
  );
}

/**
 * The `traceparent` header an attempt sends: the attempt span's own context. With tracing
 * off the API's span has no ids of its own (none, or its parent's), so fresh ones are made
 * — the stored trace's id when there is one, a random one otherwise, and a new span id —
 * recorded nowhere, but valid, so a receiver can still correlate its logs per attempt.
 */
export function attemptTraceparent(span: Span, parent: Context): string {
  const own = span.spanContext();
  const parentContext = trace.getSpanContext(parent);
  if (isSpanContextValid(own) && own.spanId !== parentContext?.spanId) return formatTraceparent(own);
  const inherited = parentContext && isSpanContextValid(parentContext) ? parentContext : undefined;
  return formatTraceparent({
    traceId: inherited?.traceId ?? ids.generateTraceId(),
    spanId: ids.generateSpanId(),
    traceFlags: inherited?.traceFlags ?? TraceFlags.NONE,
  });
}

/**
 * The attempt's outcome on its span: `http.response.status_code`, the verdict, and for a
 * failure status ERROR with `error.type` — the transport's code (timeout, dns_failure,
 * connection_failed, blocked_address, invalid_url) when no exchange happened, else the
 * status class (`http_5xx`, `http_4xx`, `http_3xx`).
 */
export function recordAttemptOutcome(span: Span, outcome: TransportResponse | TransportError, verdict: string): void {
  span.setAttribute(TRACE_ATTRIBUTES.attemptOutcome, verdict);
  if (outcome instanceof TransportError) {
    span.setAttribute(ATTR_ERROR_TYPE, outcome.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.message });
    return;
  }
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
  if (verdict !== "success") {
    span.setAttribute(ATTR_ERROR_TYPE, `http_${statusClass(outcome.status)}`);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${outcome.status}` });
  }
}

export { SpanKind };
