import type { WebhookEndpoint } from "@/generated/prisma/client";
import { prisma as sharedPrisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { newId } from "@/lib/ids";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { WebhookConflictError, WebhookNotFoundError, WebhookQuotaError, WebhookValidationError } from "@/lib/webhooks/errors";
import { assertEventType } from "@/lib/webhooks/events";
import { generateSecret, getKeyRing, openSigningSecret, sealSigningSecret } from "@/lib/webhooks/secrets";
import { generateSigningKeyPair, publicKeyPem, SIGNATURE_SCHEMES, type SignatureScheme } from "@/lib/webhooks/signing-keys";
import { assertValidWebhookUrl } from "@/lib/webhooks/url-guard";
import { ORDERING_MODES, type OrderingMode, requeueForOrdering } from "@/lib/webhooks/ordering";
import { RATE_LIMIT_MAX_PER_SECOND, RATE_LIMIT_MIN_PER_SECOND, resetRateLimit } from "@/lib/webhooks/rate-limit";
import { MISSED_CANCEL_REASON } from "@/lib/webhooks/outcomes";
import { RETRY_PRESETS, type RetryPresetName } from "@/lib/webhooks/retry-presets";
import { applyHeaderChanges, type EndpointHeaders, type HeaderChanges, normaliseHeaders, openHeaders, sealHeaders } from "@/lib/webhooks/endpoint-headers";

/** How long the previous secret keeps signing after a rotation. */
export const SECRET_ROTATION_GRACE_SECONDS = 24 * 60 * 60;
/** The longest grace a rotation may give the previous secret. */
export const SECRET_ROTATION_GRACE_MAX_SECONDS = 7 * 24 * 60 * 60;
export const ENDPOINT_DESCRIPTION_MAX_LENGTH = 500;
export const ENDPOINT_EVENT_TYPES_MAX = 100;

/** An endpoint as callers see it: never the secret or its ciphertext. */
export interface EndpointView {
  id: string;
  organizationId: string;
  url: string;
  description: string;
  /** Empty: every event. */
  eventTypes: string[];
  status: "active" | "disabled";
  disabledReason: string | null;
  disabledAt: Date | null;
  /** When the previous secret stops signing (rotation grace), if one is still valid. */
  previousSecretExpiresAt: Date | null;
  /** How deliveries are signed: `hmac` (a shared `whsec_` secret, `v1`) or `ed25519` (a key pair, `v1a`). */
  signatureScheme: SignatureScheme;
  /** An `ed25519` endpoint's public key (`whpk_…`), for its receivers; null for `hmac`. */
  publicKey: string | null;
  /** What the previous credential is, while it still signs (a change of scheme shows as a different one); null otherwise. */
  previousSignatureScheme: SignatureScheme | null;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /**
   * Set while no key in WEBHOOK_ENCRYPTION_KEYS opens the endpoint's signing secret: its
   * deliveries wait, unattempted, until the key is restored (lib/webhooks/stored-secrets.ts).
   */
  signingBlockedAt: Date | null;
  /** "ordered": deliveries with the same ordering key go one at a time, in enqueue order (ordering.ts). */
  ordering: OrderingMode;
  /** At most this many attempts start in any one-second window (rate-limit.ts); null: no limit. */
  rateLimitPerSecond: number | null;
  /** Which retry schedule failed deliveries follow (retry-presets.ts). */
  retryPreset: RetryPresetName;
  /** Each attempt carries a W3C `traceparent` header with the attempt's trace context (tracing.ts). */
  sendTraceparent: boolean;
  /** Names of the custom headers sent on every attempt; their values are never shown after saving. */
  headerNames: string[];
  /** When the latest disabled period began (kept after re-enabling: what was missed is counted from it). */
  lastDisabledAt: Date | null;
  /** `cli`: a `listen` session's endpoint, reached down the CLI's stream (listen.ts), not over the network. */
  kind: "http" | "cli";
  /** A `cli` endpoint: when its stream last connected or was last seen alive. */
  listenSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The delivery controls an endpoint may set on create and update. */
export interface DeliveryControls {
  /** Default "none". */
  ordering?: OrderingMode;
  /** 1–1000, or null for no limit (the default). */
  rateLimitPerSecond?: number | null;
  /** Default "standard". */
  retryPreset?: RetryPresetName;
  /** Send a W3C `traceparent` header with each attempt; default false. */
  sendTraceparent?: boolean;
}

/** What a listen (`cli`) endpoint stores as its URL: it is never dialled (listen.ts forwards its deliveries). */
export const LISTEN_ENDPOINT_URL = "cli://listen";
/** A listen endpoint's disabled reason while no CLI stream is connected: its pending deliveries wait. */
export const LISTEN_DISCONNECTED_REASON = "The listen CLI is not connected";

export interface CreateEndpointOptions extends DeliveryControls {
  organizationId: string;
  /** How deliveries are signed; default `hmac`. */
  signatureScheme?: SignatureScheme;
  /** Ignored for a `cli` endpoint. */
  url: string;
  /** `cli`: a listen session's endpoint (listen.ts); default `http`. */
  kind?: "http" | "cli";
  description?: string;
  eventTypes?: string[];
  /** Custom headers sent on every attempt (endpoint-headers.ts): at most 20, 4 KiB in all; sealed at rest. */
  headers?: EndpointHeaders;
  prisma?: DbClient;
  /** Endpoints the organization may have; default WEBHOOK_MAX_ENDPOINTS_PER_ORGANIZATION. */
  maxEndpoints?: number;
}

export interface UpdateEndpointOptions extends DeliveryControls {
  organizationId: string;
  endpointId: string;
  url?: string;
  description?: string;
  eventTypes?: string[];
  /** Replaces every custom header (`{}` removes them all). */
  headers?: EndpointHeaders;
  /** Adds, replaces or removes single headers, keeping the rest; not together with `headers`. */
  headerChanges?: HeaderChanges;
  /**
   * A different scheme makes a new credential of that scheme; the current one keeps signing
   * alongside it for {@link SECRET_ROTATION_GRACE_SECONDS} (see {@link updateEndpoint}).
   */
  signatureScheme?: SignatureScheme;
  prisma?: DbClient;
  now?: () => Date;
}

export interface EndpointRef {
  organizationId: string;
  endpointId: string;
  prisma?: DbClient;
  now?: () => Date;
}

export function toEndpointView(row: WebhookEndpoint, now: Date = new Date()): EndpointView {
  const graceValid = row.previousSecretEncrypted && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now;
  return {
    id: row.id,
    organizationId: row.organizationId,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    status: row.status,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt,
    previousSecretExpiresAt: graceValid ? row.previousSecretExpiresAt : null,
    signatureScheme: row.signatureScheme,
    publicKey: row.signatureScheme === "ed25519" ? row.publicKey : null,
    previousSignatureScheme: graceValid ? row.previousSignatureScheme : null,
    failingSince: row.failingSince,
    lastSuccessAt: row.lastSuccessAt,
    lastFailureAt: row.lastFailureAt,
    signingBlockedAt: row.signingBlockedAt,
    ordering: row.ordering,
    rateLimitPerSecond: row.rateLimitPerSecond,
    retryPreset: row.retryPreset,
    sendTraceparent: row.sendTraceparent,
    headerNames: row.headerNames ?? [],
    lastDisabledAt: row.lastDisabledAt,
    kind: row.kind,
    listenSeenAt: row.listenSeenAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function normaliseDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  const trimmed = description.trim();
  if (trimmed.length > ENDPOINT_DESCRIPTION_MAX_LENGTH) {
    throw new WebhookValidationError("invalid_input", `Description must be at most ${ENDPOINT_DESCRIPTION_MAX_LENGTH} characters`);
  }
  return trimmed;
}

function normaliseEventTypes(eventTypes: string[] | undefined): string[] | undefined {
  if (eventTypes === undefined) return undefined;
  if (!Array.isArray(eventTypes) || eventTypes.length > ENDPOINT_EVENT_TYPES_MAX) {
    throw new WebhookValidationError("invalid_input", `Event types must be a list of at most ${ENDPOINT_EVENT_TYPES_MAX} names`);
  }
  eventTypes.forEach((eventType) => assertEventType(eventType));
  return [...new Set(eventTypes)].sort();
}

/** Checks the delivery controls given; returns only those given. Throws WebhookValidationError `invalid_input`. */
function normaliseControls(controls: DeliveryControls): DeliveryControls {
  const out: DeliveryControls = {};
  if (controls.ordering !== undefined) {
    if (!ORDERING_MODES.includes(controls.ordering)) throw new WebhookValidationError("invalid_input", `ordering must be one of ${ORDERING_MODES.join(", ")}`);
    out.ordering = controls.ordering;
  }
  if (controls.rateLimitPerSecond !== undefined) {
    const rate = controls.rateLimitPerSecond;
    if (rate !== null && (!Number.isInteger(rate) || rate < RATE_LIMIT_MIN_PER_SECOND || rate > RATE_LIMIT_MAX_PER_SECOND)) {
      throw new WebhookValidationError("invalid_input", `rateLimitPerSecond must be a whole number from ${RATE_LIMIT_MIN_PER_SECOND} to ${RATE_LIMIT_MAX_PER_SECOND}, or null for no limit`);
    }
    out.rateLimitPerSecond = rate;
  }
  if (controls.retryPreset !== undefined) {
    if (!RETRY_PRESETS.includes(controls.retryPreset)) throw new WebhookValidationError("invalid_input", `retryPreset must be one of ${RETRY_PRESETS.join(", ")}`);
    out.retryPreset = controls.retryPreset;
  }
  if (controls.sendTraceparent !== undefined) {
    if (typeof controls.sendTraceparent !== "boolean") throw new WebhookValidationError("invalid_input", "sendTraceparent must be true or false");
    out.sendTraceparent = controls.sendTraceparent;
  }
  return out;
}

/**
 * Refuses an action that reaches an endpoint over the network (a test send, a redelivery by hand,
 * Diagnose) for a listen endpoint, whose deliveries only its CLI's stream carries.
 */
export function assertNetworkEndpoint(endpoint: { kind: "http" | "cli" }, action: string): void {
  if (endpoint.kind === "cli") {
    throw new WebhookConflictError("listen_endpoint", `A listen session's deliveries reach the CLI only through its stream, so it cannot ${action}; send an event instead, or re-queue failed deliveries with recover`);
  }
}

/** The organization's endpoint row; throws WebhookNotFoundError `endpoint_not_found` for a missing one or another organization's. */
export async function findOwned(db: DbClient, organizationId: string, endpointId: string): Promise<WebhookEndpoint> {
  const row = await db.webhookEndpoint.findFirst({ where: { id: endpointId, organizationId } });
  // Another organization's endpoint is indistinguishable from a missing one.
  if (!row) throw new WebhookNotFoundError("endpoint_not_found", `Endpoint ${endpointId} not found`);
  return row;
}

/** Checks a signature scheme given by a caller; `undefined` stays undefined. Throws WebhookValidationError `invalid_input`. */
function normaliseScheme(scheme: SignatureScheme | undefined): SignatureScheme | undefined {
  if (scheme !== undefined && !SIGNATURE_SCHEMES.includes(scheme)) {
    throw new WebhookValidationError("invalid_input", `signatureScheme must be one of ${SIGNATURE_SCHEMES.join(", ")}`);
  }
  return scheme;
}

/** A new signing credential of `scheme`, sealed for endpoint `id`. */
interface NewCredential {
  columns: { secretEncrypted: string; signatureScheme: SignatureScheme; publicKey: string | null };
  /** `hmac`: the new `whsec_` secret, shown to its owner once. An `ed25519` private key is never shown. */
  secret?: string;
}

function newCredential(id: string, scheme: SignatureScheme): NewCredential {
  const ring = getKeyRing();
  if (scheme === "ed25519") {
    const pair = generateSigningKeyPair();
    return { columns: { secretEncrypted: sealSigningSecret(pair.privateKey, id, scheme, ring), signatureScheme: scheme, publicKey: pair.publicKey } };
  }
  const secret = generateSecret();
  return { columns: { secretEncrypted: sealSigningSecret(secret, id, scheme, ring), signatureScheme: scheme, publicKey: null }, secret };
}

/**
 * The columns that make `next` the endpoint's credential while the current one keeps signing
 * for `graceSeconds` (0: it stops at once). Whatever was still in its grace before is dropped.
 */
function replaceCredential(row: WebhookEndpoint, next: NewCredential, graceSeconds: number, now: Date) {
  return {
    ...next.columns,
    previousSecretEncrypted: graceSeconds > 0 ? row.secretEncrypted : null,
    previousSignatureScheme: row.signatureScheme,
    previousSecretExpiresAt: graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null,
  };
}

/**
 * What {@link createEndpoint} returns: the `whsec_` secret of an `hmac` endpoint (here only, and
 * by {@link revealEndpointSecret}); an `ed25519` endpoint's public key is `endpoint.publicKey`.
 */
export type CreatedEndpoint<S extends SignatureScheme = SignatureScheme> = S extends "ed25519"
  ? { endpoint: EndpointView; secret?: undefined }
  : { endpoint: EndpointView; secret: string };

/**
 * Creates an endpoint with a fresh signing credential: a `whsec_` secret (`hmac`, the default),
 * returned only here (and by {@link revealEndpointSecret}), or an Ed25519 key pair (`ed25519`),
 * whose private key is never returned and whose public key is in the view. Credentials are
 * stored encrypted, like the custom headers.
 * Throws WebhookValidationError (invalid_url, invalid_event_type, invalid_input, invalid_headers),
 * WebhookNotFoundError (organization_not_found) or WebhookQuotaError
 * (endpoint_limit_reached: the organization has `maxEndpoints` already).
 */
export async function createEndpoint<S extends SignatureScheme = "hmac">(options: CreateEndpointOptions & { signatureScheme?: S }): Promise<CreatedEndpoint<S>> {
  const db = options.prisma ?? sharedPrisma;
  const scheme = normaliseScheme(options.signatureScheme) ?? "hmac";
  const kind = options.kind ?? "http";
  // A listen endpoint is never dialled: its URL only says so.
  const url = kind === "cli" ? LISTEN_ENDPOINT_URL : assertValidWebhookUrl(options.url);
  const description = normaliseDescription(options.description) ?? "";
  const eventTypes = normaliseEventTypes(options.eventTypes) ?? [];
  const controls = normaliseControls(options);
  const headers = options.headers === undefined ? {} : normaliseHeaders(options.headers);
  const maxEndpoints = options.maxEndpoints ?? getEnv().maxEndpointsPerOrganization;
  // The organization row is locked first, so two concurrent creates cannot both pass the cap. The count is
  // its own statement: read committed gives it a snapshot taken after the lock, which sees the other's insert.
  const create = async (tx: DbClient) => {
    const [organization] = await tx.$queryRawUnsafe<{ deletionScheduledAt: Date | null }[]>(
      `SELECT "deletionScheduledAt" FROM "Organization" WHERE "id" = $1 FOR UPDATE`,
      options.organizationId,
    );
    if (!organization || organization.deletionScheduledAt) throw new WebhookNotFoundError("organization_not_found", `Organization ${options.organizationId} not found`);
    const endpoints = await tx.webhookEndpoint.count({ where: { organizationId: options.organizationId } });
    if (endpoints >= maxEndpoints) {
      throw new WebhookQuotaError(
        "endpoint_limit_reached",
        `This organization has ${endpoints} endpoints, the most this installation allows (${maxEndpoints}); delete one to add another`,
        maxEndpoints,
        endpoints,
      );
    }
    return insertEndpoint(tx, { organizationId: options.organizationId, url, description, eventTypes, controls, headers, kind, scheme });
  };
  return ("$transaction" in db ? db.$transaction(create) : create(db)) as Promise<CreatedEndpoint<S>>;
}

async function insertEndpoint(
  db: DbClient,
  fields: {
    organizationId: string;
    url: string;
    description: string;
    eventTypes: string[];
    controls: DeliveryControls;
    headers: EndpointHeaders;
    kind: "http" | "cli";
    scheme: SignatureScheme;
  },
): Promise<{ endpoint: EndpointView; secret?: string }> {
  const { organizationId, url, description, eventTypes, controls, headers, kind, scheme } = fields;
  const id = newId("ep");
  const credential = newCredential(id, scheme);
  const row = await db.webhookEndpoint.create({
    data: {
      id,
      organizationId,
      url,
      description,
      eventTypes,
      ...controls,
      ...credential.columns,
      ...sealHeaders(headers, id),
      // A listen endpoint waits, disabled, until its CLI's stream connects (listen.ts).
      ...(kind === "cli" ? { kind, status: "disabled" as const, disabledReason: LISTEN_DISCONNECTED_REASON } : {}),
    },
  });
  return { endpoint: toEndpointView(row), ...(credential.secret === undefined ? {} : { secret: credential.secret }) };
}

/**
 * Changes URL, description, subscriptions, custom headers, delivery controls or the signature
 * scheme. Turning ordering on queues the pending backlog by key in enqueue order; turning it off
 * lets it go in parallel; removing a rate limit frees its next start. A different
 * `signatureScheme` makes a new credential of that scheme (a key pair, or a `whsec_` secret to
 * reveal) while the current one keeps signing beside it for {@link SECRET_ROTATION_GRACE_SECONDS},
 * so a receiver is not broken mid-switch: both signatures travel in `webhook-signature`, and
 * `x-webhook-signature` comes from whichever of the two is a shared secret. Same errors as
 * {@link createEndpoint}, plus endpoint_not_found.
 */
export async function updateEndpoint(options: UpdateEndpointOptions): Promise<EndpointView> {
  const url = options.url === undefined ? undefined : assertValidWebhookUrl(options.url);
  const description = normaliseDescription(options.description);
  const eventTypes = normaliseEventTypes(options.eventTypes);
  const controls = normaliseControls(options);
  const scheme = normaliseScheme(options.signatureScheme);
  if (options.headers !== undefined && options.headerChanges !== undefined) {
    throw new WebhookValidationError("invalid_headers", "Give headers (the whole set) or headerChanges (single headers), not both");
  }
  const replaced = options.headers === undefined ? undefined : normaliseHeaders(options.headers);
  const update = async (db: DbClient) => {
    const before = await findOwned(db, options.organizationId, options.endpointId);
    if (url !== undefined && before.kind === "cli") {
      throw new WebhookValidationError("invalid_url", "A listen endpoint has no URL: the listen CLI forwards its deliveries to the address it was given");
    }
    // Changes apply to the headers as stored now (read in this transaction): opening them needs their key.
    const headers = replaced ?? (options.headerChanges === undefined ? undefined : applyHeaderChanges(openHeaders(before), options.headerChanges));
    const switching = scheme !== undefined && scheme !== before.signatureScheme;
    const now = options.now?.() ?? new Date();
    const row = await db.webhookEndpoint.update({
      where: { id: options.endpointId },
      data: {
        url,
        description,
        eventTypes,
        ...controls,
        ...(headers === undefined ? {} : sealHeaders(headers, before.id)),
        ...(switching ? replaceCredential(before, newCredential(before.id, scheme), SECRET_ROTATION_GRACE_SECONDS, now) : {}),
        // The certificate read belongs to the old address: the next check reads the new one's.
        ...(url !== undefined && url !== before.url ? { tlsCertificateExpiresAt: null, tlsCertificateCheckedAt: null } : {}),
      },
    });
    if (controls.ordering !== undefined && controls.ordering !== before.ordering) await requeueForOrdering(db, row.id, controls.ordering);
    if (controls.rateLimitPerSecond === null && before.rateLimitPerSecond !== null) await resetRateLimit(db, row.id);
    return toEndpointView(row, now);
  };
  const db = options.prisma ?? sharedPrisma;
  return "$transaction" in db ? db.$transaction(update) : update(db);
}

export async function getEndpoint(ref: EndpointRef): Promise<EndpointView> {
  return toEndpointView(await findOwned(ref.prisma ?? sharedPrisma, ref.organizationId, ref.endpointId));
}

export async function listEndpoints(options: { organizationId: string; prisma?: DbClient }): Promise<EndpointView[]> {
  const rows = await (options.prisma ?? sharedPrisma).webhookEndpoint.findMany({
    where: { organizationId: options.organizationId },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => toEndpointView(row));
}

/**
 * Disables an endpoint and cancels its pending deliveries, in one transaction.
 * Used by admins, by a 410 Gone answer and by the failing-for-days rule.
 */
export async function disableEndpoint(ref: EndpointRef & { reason?: string }): Promise<EndpointView> {
  const run = async (db: DbClient) => {
    await findOwned(db, ref.organizationId, ref.endpointId);
    const now = ref.now?.() ?? new Date();
    const row = await db.webhookEndpoint.update({
      where: { id: ref.endpointId },
      data: { status: "disabled", disabledReason: ref.reason ?? "Disabled by an administrator", disabledAt: now, lastDisabledAt: now },
    });
    await cancelPendingDeliveries(db, ref.endpointId, `Endpoint disabled: ${row.disabledReason}`, now);
    return toEndpointView(row);
  };
  const db = ref.prisma ?? sharedPrisma;
  return "$transaction" in db ? db.$transaction(run) : run(db);
}

/** Marks a disabled endpoint's pending deliveries cancelled (reason `endpoint_disabled`, so they can be replayed); returns how many. */
export async function cancelPendingDeliveries(db: DbClient, endpointId: string, reason: string, now: Date): Promise<number> {
  return db.$executeRawUnsafe(
    `UPDATE "WebhookDelivery"
        SET "status" = 'cancelled', "nextAttemptAt" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
            "lastError" = $2, "cancelReason" = '${MISSED_CANCEL_REASON}', "updatedAt" = $3::timestamp(3)
      WHERE "endpointId" = $1 AND "status" = 'pending'`,
    endpointId,
    reason,
    sqlTime(now),
  );
}

/**
 * Re-enables an endpoint; its failure history starts afresh. What it missed while disabled stays
 * cancelled until someone replays it ({@link recoverDeliveries} with `{ missed: true }`).
 */
export async function enableEndpoint(ref: EndpointRef): Promise<EndpointView> {
  const db = ref.prisma ?? sharedPrisma;
  await findOwned(db, ref.organizationId, ref.endpointId);
  const row = await db.webhookEndpoint.update({
    where: { id: ref.endpointId },
    data: { status: "active", disabledReason: null, disabledAt: null, failingSince: null },
  });
  await db.webhookCircuit.deleteMany({ where: { key: ref.endpointId } });
  return toEndpointView(row);
}

/** Deletes an endpoint with its deliveries and attempts. */
export async function deleteEndpoint(ref: EndpointRef): Promise<void> {
  const db = ref.prisma ?? sharedPrisma;
  await findOwned(db, ref.organizationId, ref.endpointId);
  await db.webhookEndpoint.delete({ where: { id: ref.endpointId } });
  await db.webhookCircuit.deleteMany({ where: { key: ref.endpointId } });
}

/** What a rotation made: the new `whsec_` secret (shown once), or the new key pair's public key. */
export type RotatedCredential =
  | { endpoint: EndpointView; signatureScheme: "hmac"; secret: string }
  | { endpoint: EndpointView; signatureScheme: "ed25519"; publicKey: string };

/**
 * Replaces the endpoint's signing credential with a new one of the same scheme: a new `whsec_`
 * secret, or a new Ed25519 key pair. The old one keeps signing alongside the new one (a second
 * `webhook-signature` entry, newest first) for `graceSeconds`, so receivers can switch without
 * dropping deliveries; after that the maintenance tick erases it. `graceSeconds: 0` stops it at
 * once (a leaked credential). Throws WebhookNotFoundError or WebhookValidationError `invalid_input`.
 */
export async function rotateEndpointCredential(ref: EndpointRef & { graceSeconds?: number }): Promise<RotatedCredential> {
  return rotate(ref);
}

/**
 * {@link rotateEndpointCredential} for an `hmac` endpoint: returns the new secret. Throws
 * WebhookConflictError `no_shared_secret`, changing nothing, for an `ed25519` endpoint.
 */
export async function rotateEndpointSecret(ref: EndpointRef & { graceSeconds?: number }): Promise<{ endpoint: EndpointView; secret: string }> {
  const rotated = await rotate(ref, "hmac");
  if (rotated.signatureScheme !== "hmac") throw noSharedSecret();
  return { endpoint: rotated.endpoint, secret: rotated.secret };
}

function noSharedSecret(): WebhookConflictError {
  return new WebhookConflictError(
    "no_shared_secret",
    "This endpoint signs with an Ed25519 key pair: it has no shared secret. Its receivers verify with the public key; rotating makes a new key pair.",
  );
}

async function rotate(ref: EndpointRef & { graceSeconds?: number }, only?: "hmac"): Promise<RotatedCredential> {
  const db = ref.prisma ?? sharedPrisma;
  const row = await findOwned(db, ref.organizationId, ref.endpointId);
  if (only && row.signatureScheme !== only) throw noSharedSecret();
  const now = ref.now?.() ?? new Date();
  const graceSeconds = ref.graceSeconds ?? SECRET_ROTATION_GRACE_SECONDS;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > SECRET_ROTATION_GRACE_MAX_SECONDS) {
    throw new WebhookValidationError("invalid_input", `graceSeconds must be a whole number from 0 to ${SECRET_ROTATION_GRACE_MAX_SECONDS}`);
  }
  const next = newCredential(row.id, row.signatureScheme);
  const updated = await db.webhookEndpoint.update({ where: { id: row.id }, data: replaceCredential(row, next, graceSeconds, now) });
  const endpoint = toEndpointView(updated, now);
  return next.secret === undefined
    ? { endpoint, signatureScheme: "ed25519", publicKey: next.columns.publicKey! }
    : { endpoint, signatureScheme: "hmac", secret: next.secret };
}

/**
 * The current secret in clear, for the settings page's "reveal". Throws WebhookConflictError
 * `no_shared_secret` for an `ed25519` endpoint: its private key never leaves the platform.
 */
export async function revealEndpointSecret(ref: EndpointRef): Promise<string> {
  const row = await findOwned(ref.prisma ?? sharedPrisma, ref.organizationId, ref.endpointId);
  if (row.signatureScheme !== "hmac") throw noSharedSecret();
  return openSigningSecret(row.secretEncrypted, row.id, "hmac", getKeyRing());
}

/**
 * An `ed25519` endpoint's public key, as `whpk_…` and as PEM. Any member may read it: it is not
 * secret. Throws WebhookNotFoundError (another organization's id too) or WebhookConflictError
 * `no_public_key` for an `hmac` endpoint.
 */
export async function getEndpointPublicKey(ref: EndpointRef): Promise<{ endpointId: string; publicKey: string; pem: string }> {
  const row = await findOwned(ref.prisma ?? sharedPrisma, ref.organizationId, ref.endpointId);
  if (row.signatureScheme !== "ed25519" || !row.publicKey) {
    throw new WebhookConflictError("no_public_key", "This endpoint signs with a shared HMAC secret, so it has no public key. Set its signatureScheme to ed25519 to sign with a key pair.");
  }
  return { endpointId: row.id, publicKey: row.publicKey, pem: publicKeyPem(row.publicKey) };
}

/**
 * The classic guide's single-URL setting: creates the organization's default
 * endpoint (all events) or points the existing one at `url`. The secret is
 * returned only when the endpoint is created.
 */
export async function upsertDefaultEndpoint(options: { organizationId: string; url: string; prisma?: DbClient }): Promise<{ endpoint: EndpointView; secret?: string; created: boolean }> {
  const db = options.prisma ?? sharedPrisma;
  const existing = await db.webhookEndpoint.findFirst({ where: { organizationId: options.organizationId, isDefault: true } });
  if (existing) {
    const endpoint = await updateEndpoint({ organizationId: options.organizationId, endpointId: existing.id, url: options.url, prisma: db });
    return { endpoint, created: false };
  }
  const { endpoint, secret } = await createEndpoint({ organizationId: options.organizationId, url: options.url, description: "Default endpoint", prisma: db });
  await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { isDefault: true } });
  return { endpoint, secret, created: true };
}

/**
 * The default endpoint's current signing credential (its `whsec_` secret, or its `whsk_` private
 * key, which signs `v1a`: see sign.ts), if the organization has one. Stays in this process.
 */
export async function defaultEndpointSecret(options: { organizationId: string; prisma?: DbClient }): Promise<string | undefined> {
  const row = await (options.prisma ?? sharedPrisma).webhookEndpoint.findFirst({ where: { organizationId: options.organizationId, isDefault: true } });
  return row ? openSigningSecret(row.secretEncrypted, row.id, row.signatureScheme, getKeyRing()) : undefined;
}

/**
 * An endpoint URL as a viewer may see it. Owners and admins see it whole; members see its
 * scheme and host only (`https://hooks.example.com/…`): endpoint URLs often carry tokens in
 * their path or query, and members only read delivery history.
 */
export function displayUrl(url: string, full: boolean): string {
  if (full) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return "…";
  }
}
