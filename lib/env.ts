import path from "node:path";
import { z } from "zod";
import { parseRateLimit, type RateLimitSpec } from "@/lib/limits/spec";
import { decideRunMode, RUN_MODES, type RunMode } from "@/lib/run-mode";
import { parseCidrList, type Cidr } from "@/lib/ip-address";
import { parseRetrySchedule, RETRY_SCHEDULE_SECONDS } from "@/lib/webhooks/retry-policy";

/**
 * Process configuration, read and validated once. Every variable the app reads
 * is declared here; nothing else touches `process.env` for configuration.
 */

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * An optional URL whose scheme must be one of `schemes` (and, when `noHost` is given, which must
 * name a host). Only the scheme is ever echoed in an error: the rest of the URL may hold a password.
 */
const serviceUrl = (schemes: readonly string[], messages: { notUrl: string; scheme: (protocol: string) => string; noHost?: string }) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === "" ? undefined : value))
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: messages.notUrl });
        return;
      }
      if (!schemes.includes(url.protocol)) ctx.addIssue({ code: "custom", message: messages.scheme(url.protocol) });
      else if (messages.noHost && !url.hostname) ctx.addIssue({ code: "custom", message: messages.noHost });
    });

const databaseUrl = serviceUrl(["postgres:", "postgresql:"], {
  notUrl: "is not a URL; expected postgres://user@host:5432/database or leave it unset for the embedded database",
  // No host is valid here: postgresql:///db connects through the local socket.
  scheme: (protocol) => `uses "${protocol}" but only postgres:// and postgresql:// are supported (unset it for the embedded database)`,
});

const intInRange = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === "" ? String(fallback) : value))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
        .transform(Number)
        .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)),
    );

const booleanFlag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => (value === undefined || value === "" ? String(fallback) : value))
    .pipe(z.enum(["true", "false"], { message: 'must be "true" or "false"' }))
    .transform((value) => value === "true");

const retrySchedule = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return [...RETRY_SCHEDULE_SECONDS];
    try {
      return parseRetrySchedule(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

/** `<count>/<window>` (`100/1s`, `10/1m`) or `off`; see lib/limits/spec.ts. */
const rateLimit = (fallback: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseRateLimit(value || fallback);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

const cidrList = z
  .string()
  .trim()
  .optional()
  .superRefine((value, ctx) => {
    try {
      parseCidrList(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `has ${(error as Error).message}` });
    }
  });

/** `smtp://` or `smtps://` with a host. */
const smtpUrl = serviceUrl(["smtp:", "smtps:"], {
  notUrl: "is not a URL; expected smtp://user:password@mail.example.com:587 or smtps://…",
  scheme: (protocol) => `uses "${protocol}" but only smtp:// and smtps:// are supported`,
  noHost: "has no host; expected smtp://user:password@mail.example.com:587",
});

/** An OTLP/HTTP collector address (`http://collector:4318`); only the scheme is echoed in an error. */
const otlpUrl = serviceUrl(["http:", "https:"], {
  notUrl: "is not a URL; expected the collector's OTLP/HTTP address, e.g. http://otel-collector:4318",
  scheme: (protocol) => `uses "${protocol}" but traces are sent over OTLP/HTTP: use an http:// or https:// address`,
  noHost: "must name the collector's host, e.g. http://otel-collector:4318",
});

/** The standard `OTEL_TRACES_SAMPLER` values this installation understands (lib/webhooks/tracing.ts). */
export const TRACE_SAMPLERS = ["parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio", "always_on", "always_off", "traceidratio"] as const;
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

/** `Name <address@host>` or `address@host`, one line (it becomes a header). */
const MAIL_FROM_PATTERN = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

const envSchema = z.object({
  /** `development` or `production`; decides the run mode when set (lib/run-mode.ts). */
  APP_ENV: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => (value === "" ? undefined : value))
    .pipe(z.enum(RUN_MODES, { message: 'must be "development" or "production"' }).optional()),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: intInRange(1, 200, 10),
  /** Where the embedded database and other local state live when DATABASE_URL is unset. */
  DATA_DIR: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : ".data")),
  PORT: intInRange(1, 65535, 3000),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => (value ? value : "info"))
    .pipe(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(", ")}` })),
  /** Comma-separated `id:base64key` entries; the first encrypts, all decrypt. Checked by lib/webhooks/secrets.ts. */
  WEBHOOK_ENCRYPTION_KEYS: z.string().trim().optional(),
  WEBHOOK_TIMEOUT_MS: intInRange(100, 120_000, 30_000),
  WEBHOOK_RETRY_SCHEDULE: retrySchedule,
  WEBHOOK_WORKER_CONCURRENCY: intInRange(1, 1000, 50),
  WEBHOOK_ENDPOINT_CONCURRENCY: intInRange(1, 1000, 10),
  /**
   * Attempts in flight for one organization across every worker; 0 (default): no cap beyond
   * the fair share, so a tenant alone may use every slot.
   */
  WEBHOOK_ORGANIZATION_CONCURRENCY: intInRange(0, 100_000, 0),
  /** Endpoints one organization may have. */
  WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION: intInRange(1, 100_000, 50),
  /** An HTTP proxy every delivery tunnels through (CONNECT), for static outbound addresses (lib/webhooks/transport.ts). */
  WEBHOOK_EGRESS_PROXY: serviceUrl(["http:", "https:"], {
    notUrl: "is not a URL; expected http://proxy.internal:3128",
    scheme: (protocol) => `uses "${protocol}" but the egress proxy must be an http:// or https:// proxy`,
    noHost: "must name the proxy's host",
  }),
  /** `allow` (default): event types outside the catalogue are sent as given; `refuse`: they are a 422 `undeclared_event_type`. */
  WEBHOOK_UNDECLARED_EVENT_TYPES: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => (value ? value : "allow"))
    .pipe(z.enum(["allow", "refuse"], { message: 'must be "allow" or "refuse"' })),
  /** Shared by every process on the database (lib/limits/rate-limiter.ts). */
  RATE_LIMIT_INGEST_PER_KEY: rateLimit("500/1s"),
  RATE_LIMIT_INGEST_PER_ORGANIZATION: rateLimit("1000/1s"),
  RATE_LIMIT_MANAGEMENT_PER_KEY: rateLimit("100/1s"),
  RATE_LIMIT_TEST_SENDS: rateLimit("10/1m"),
  RATE_LIMIT_REDELIVERIES: rateLimit("60/1m"),
  RATE_LIMIT_RECOVERIES: rateLimit("10/1h"),
  /** Run the delivery worker inside the web server process (`npm start`). */
  WEBHOOK_EMBEDDED_WORKER: booleanFlag(true),
  /** Signs session cookies; required in production, generated under DATA_DIR otherwise. */
  BETTER_AUTH_SECRET: z.string().trim().optional().refine((value) => !value || value.length >= 32, "must be at least 32 characters"),
  /** Public base URL of the app (links in invitations, auth callbacks). */
  APP_URL: z.string().trim().optional().refine((value) => !value || /^https?:\/\/[^/]+/.test(value), "must be an http(s) URL such as https://hooks.example.com"),
  /** Read at call time by the network policy where no start-up decided the mode; refused in production. */
  WEBHOOK_ALLOW_PRIVATE_NETWORK: booleanFlag(false),
  /** Private ranges webhooks may reach in production (`10.1.0.0/16,fd12::/64`); never link-local or metadata. */
  WEBHOOK_ALLOWED_PRIVATE_CIDRS: cidrList,
  /** Who may open /ops (signed in with one of these addresses): comma-separated emails. */
  PLATFORM_ADMIN_EMAILS: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ?? "").split(",").map((entry) => entry.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().email("has an entry that is not an email address"))),
  /** Bearer token for ops tooling: /api/metrics (Prometheus) and /api/webhooks/metrics for any organization. */
  METRICS_TOKEN: z.string().trim().optional().refine((value) => !value || value.length >= 16, "must be at least 16 characters"),
  /** Where alerts are posted (signed like every webhook, with ALERT_WEBHOOK_SECRET). */
  ALERT_WEBHOOK_URL: z.string().trim().optional().refine((value) => !value || /^https?:\/\//.test(value), "must be an http(s) URL"),
  ALERT_WEBHOOK_SECRET: z.string().trim().optional().refine((value) => !value || /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value), "must be a whsec_ secret"),
  /** Seed the demo organization and its owner account in production too (development always seeds). */
  SEED_DEMO: booleanFlag(false),
  /** Finished deliveries, their attempts and events older than this many days are deleted. */
  WEBHOOK_RETENTION_DAYS: intInRange(1, 3650, 30),
  /** Days between an owner deleting an organization and its data being erased. */
  ORGANIZATION_DELETION_GRACE_DAYS: intInRange(0, 365, 7),
  /** Kept so an old configuration fails with a clear line in production; http is allowed in development anyway. */
  WEBHOOK_ALLOW_HTTP: booleanFlag(false),
  /** Reverse proxies whose `X-Forwarded-For` is believed (`10.0.0.0/8,127.0.0.1`); see lib/http/client-address.ts. */
  TRUSTED_PROXIES: cidrList,
  /** Outgoing mail server; required in production. Without it, development keeps mail in DATA_DIR/mail. */
  SMTP_URL: smtpUrl,
  MAIL_FROM: z.string().trim().optional().refine((value) => !value || MAIL_FROM_PATTERN.test(value), 'must be an address such as "Webhooks <no-reply@example.com>"'),
  /** `required`: sign-in waits for a verified email. `optional` (default): only accepting invitations does. */
  EMAIL_VERIFICATION: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => (value ? value : "optional"))
    .pipe(z.enum(["optional", "required"], { message: 'must be "optional" or "required"' })),
  /** OpenTelemetry traces (lib/webhooks/tracing.ts): exported only when one of the two endpoints is set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
  /** Used as given (the base endpoint above gets `/v1/traces` appended). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl,
  OTEL_SERVICE_NAME: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : "webhook-platform")),
  /** The SDK's standard off switch: nothing is exported whatever the endpoints say. */
  OTEL_SDK_DISABLED: booleanFlag(false),
  OTEL_TRACES_SAMPLER: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => (value ? value : "parentbased_always_on"))
    .pipe(z.enum(TRACE_SAMPLERS, { message: `must be one of ${TRACE_SAMPLERS.join(", ")}` })),
  /** The ratio of the *traceidratio samplers, 0–1 (default 1). */
  OTEL_TRACES_SAMPLER_ARG: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : "1"))
    .pipe(z.string().regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, "must be a number from 0 to 1, e.g. 0.25").transform(Number)),
});

/** The rate limits the app enforces, each configured by one RATE_LIMIT_* variable. */
export type RateLimitName = "ingestPerKey" | "ingestPerOrganization" | "managementPerKey" | "testSends" | "redeliveries" | "recoveries";

export type Env = Readonly<{
  /** Development or production, by the rule in lib/run-mode.ts. */
  runMode: RunMode;
  databaseMode: "postgres" | "embedded";
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Absolute path of the data folder, or "memory://" for a throwaway in-memory database. */
  dataDir: string;
  port: number;
  logLevel: (typeof LOG_LEVELS)[number];
  webhookEncryptionKeys: string | undefined;
  webhookTimeoutMs: number;
  webhookRetrySchedule: readonly number[];
  workerConcurrency: number;
  endpointConcurrency: number;
  /** 0: no cap. */
  organizationConcurrency: number;
  maxEndpointsPerOrganization: number;
  /** The egress proxy deliveries tunnel through; undefined: straight out. */
  webhookEgressProxy: string | undefined;
  /** Whether event types outside the catalogue (lib/webhooks/event-catalogue.ts) may be sent. */
  undeclaredEventTypes: "allow" | "refuse";
  /** null: that limit is off. */
  rateLimits: Readonly<Record<RateLimitName, RateLimitSpec | null>>;
  embeddedWorker: boolean;
  authSecret: string | undefined;
  metricsToken: string | undefined;
  /** Lower-cased; who may open /ops. */
  platformAdminEmails: readonly string[];
  alertWebhookUrl: string | undefined;
  alertWebhookSecret: string | undefined;
  retentionDays: number;
  /** Whether `npm start` seeds the demo organization and owner: always in development, in production only with SEED_DEMO=true. */
  seedDemo: boolean;
  organizationDeletionGraceDays: number;
  /** Development (and undecided) processes only: every private destination allowed by the switch. */
  allowPrivateNetwork: boolean;
  /** `WEBHOOK_ALLOWED_PRIVATE_CIDRS` as written, for the start banner. */
  allowedPrivateCidrs: string[];
  /** Without a trailing slash. */
  appUrl: string;
  /** `TRUSTED_PROXIES` parsed: only a peer in these ranges may name the client in `X-Forwarded-For`. */
  trustedProxies: readonly Cidr[];
  /** `smtp://` or `smtps://` URL of the mail server; unset: the development mailbox (lib/mail). */
  smtpUrl: string | undefined;
  /** The From header of every mail. */
  mailFrom: string;
  /** "required": no sign-in before the address is verified. */
  emailVerification: "optional" | "required";
  /** Where and how traces are exported (lib/webhooks/tracing.ts); undefined: tracing is off, nothing is exported. */
  tracing: Readonly<{ tracesUrl: string; serviceName: string; sampler: TraceSamplerName; samplerRatio: number }> | undefined;
}>;

/** Thrown for invalid configuration; `message` is one line naming each bad variable. */
export class EnvError extends Error {
  readonly code = "invalid_env";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "EnvError";
  }
}

/** Validates a set of variables (pure; `source` defaults to `process.env`). Throws {@link EnvError}. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${String(issue.path[0] ?? "environment")} ${issue.message}`);
    throw new EnvError(problems);
  }
  const value = result.data;
  if (value.ALERT_WEBHOOK_URL && !value.ALERT_WEBHOOK_SECRET) {
    throw new EnvError(["ALERT_WEBHOOK_SECRET must be set when ALERT_WEBHOOK_URL is (alerts are signed)"]);
  }
  const runMode = decideRunMode(source).mode;
  if (runMode === "production") {
    // Switches meant for a laptop must not quietly open production to SSRF.
    const refused: string[] = [];
    if (value.WEBHOOK_ALLOW_PRIVATE_NETWORK) {
      refused.push("WEBHOOK_ALLOW_PRIVATE_NETWORK is refused in production; open private receivers with WEBHOOK_ALLOWED_PRIVATE_CIDRS=10.1.0.0/16");
    }
    if (value.WEBHOOK_ALLOW_HTTP) refused.push("WEBHOOK_ALLOW_HTTP is refused in production; endpoints must use https");
    // Session cookies are Secure only when the app's own URL is https; invitation and reset links use it too.
    if (!value.APP_URL) refused.push("APP_URL must be set in production to the app's public https URL, e.g. https://hooks.example.com");
    else if (!value.APP_URL.startsWith("https://")) refused.push("APP_URL must be an https URL in production (session cookies are Secure only over https)");
    // Verification, invitation and password-reset mails must reach people.
    if (!value.SMTP_URL) refused.push("SMTP_URL must be set in production (e.g. smtps://user:password@mail.example.com:465) so account mails can be sent");
    if (refused.length) throw new EnvError(refused);
  }
  const dataDir = value.DATA_DIR === "memory://" ? "memory://" : path.resolve(value.DATA_DIR);
  const appUrl = (value.APP_URL || `http://localhost:${value.PORT}`).replace(/\/+$/, "");
  return Object.freeze({
    runMode,
    databaseMode: value.DATABASE_URL ? "postgres" : "embedded",
    databaseUrl: value.DATABASE_URL,
    databasePoolSize: value.DATABASE_POOL_SIZE,
    dataDir,
    port: value.PORT,
    logLevel: value.LOG_LEVEL,
    webhookEncryptionKeys: value.WEBHOOK_ENCRYPTION_KEYS || undefined,
    webhookTimeoutMs: value.WEBHOOK_TIMEOUT_MS,
    webhookRetrySchedule: Object.freeze(value.WEBHOOK_RETRY_SCHEDULE),
    workerConcurrency: value.WEBHOOK_WORKER_CONCURRENCY,
    endpointConcurrency: value.WEBHOOK_ENDPOINT_CONCURRENCY,
    organizationConcurrency: value.WEBHOOK_ORGANIZATION_CONCURRENCY,
    maxEndpointsPerOrganization: value.WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION,
    undeclaredEventTypes: value.WEBHOOK_UNDECLARED_EVENT_TYPES,
    webhookEgressProxy: value.WEBHOOK_EGRESS_PROXY,
    rateLimits: Object.freeze({
      ingestPerKey: value.RATE_LIMIT_INGEST_PER_KEY,
      ingestPerOrganization: value.RATE_LIMIT_INGEST_PER_ORGANIZATION,
      managementPerKey: value.RATE_LIMIT_MANAGEMENT_PER_KEY,
      testSends: value.RATE_LIMIT_TEST_SENDS,
      redeliveries: value.RATE_LIMIT_REDELIVERIES,
      recoveries: value.RATE_LIMIT_RECOVERIES,
    }),
    embeddedWorker: value.WEBHOOK_EMBEDDED_WORKER,
    authSecret: value.BETTER_AUTH_SECRET || undefined,
    metricsToken: value.METRICS_TOKEN || undefined,
    platformAdminEmails: Object.freeze(value.PLATFORM_ADMIN_EMAILS),
    alertWebhookUrl: value.ALERT_WEBHOOK_URL || undefined,
    alertWebhookSecret: value.ALERT_WEBHOOK_SECRET || undefined,
    retentionDays: value.WEBHOOK_RETENTION_DAYS,
    seedDemo: runMode === "development" || value.SEED_DEMO,
    organizationDeletionGraceDays: value.ORGANIZATION_DELETION_GRACE_DAYS,
    allowPrivateNetwork: value.WEBHOOK_ALLOW_PRIVATE_NETWORK,
    allowedPrivateCidrs: (value.WEBHOOK_ALLOWED_PRIVATE_CIDRS ?? "").split(",").map((entry) => entry.trim()).filter(Boolean),
    appUrl,
    trustedProxies: Object.freeze(parseCidrList(value.TRUSTED_PROXIES)),
    smtpUrl: value.SMTP_URL,
    mailFrom: value.MAIL_FROM || `Webhooks <no-reply@${new URL(appUrl).hostname}>`,
    emailVerification: value.EMAIL_VERIFICATION,
    tracing: tracingConfig(value),
  });
}

/**
 * The traces endpoint by the OTLP exporter rules: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given,
 * else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; neither (or OTEL_SDK_DISABLED): off.
 */
function tracingConfig(value: z.infer<typeof envSchema>): Env["tracing"] {
  if (value.OTEL_SDK_DISABLED) return undefined;
  const base = value.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = value.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, "")}/v1/traces` : undefined);
  if (!tracesUrl) return undefined;
  return Object.freeze({ tracesUrl, serviceName: value.OTEL_SERVICE_NAME, sampler: value.OTEL_TRACES_SAMPLER, samplerRatio: value.OTEL_TRACES_SAMPLER_ARG });
}

let cached: Env | undefined;

/** The process configuration, validated on first use and then cached. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Forget the cached configuration (tests that change `process.env`). */
export function resetEnvCache(): void {
  cached = undefined;
}
