/**
 * Every error the webhook library throws is a {@link WebhookError} with a stable
 * `code` that callers (route handlers, backend code) can switch on.
 */
export type WebhookErrorCode =
  | "invalid_url"
  | "invalid_event_type"
  | "reserved_event_type"
  | "invalid_idempotency_key"
  | "invalid_ordering_key"
  | "invalid_payload"
  | "undeclared_event_type"
  | "payload_too_large"
  | "batch_too_large"
  | "organization_not_found"
  | "endpoint_not_found"
  | "delivery_not_found"
  | "api_key_not_found"
  | "api_key_revoked"
  | "listen_endpoint"
  | "invalid_input"
  | "invalid_headers"
  | "delivery_in_progress"
  | "endpoint_disabled"
  | "signing_key_missing"
  | "no_shared_secret"
  | "no_public_key"
  | "rate_limited"
  | "endpoint_rate_limited"
  | "lease_lost"
  | "endpoint_limit_reached"
  | "encryption_key_missing"
  | "decryption_failed"
  | "blocked_address"
  | "dns_failure"
  | "timeout"
  | "connection_failed";

export class WebhookError extends Error {
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "WebhookError";
  }
}

/**
 * A per-organization quota is used up (maps to HTTP 409): `limit` is the quota,
 * `current` what the organization has.
 */
export class WebhookQuotaError extends WebhookError {
  constructor(
    code: "endpoint_limit_reached",
    message: string,
    readonly limit: number,
    readonly current: number,
  ) {
    super(code, message);
    this.name = "WebhookQuotaError";
  }
}

/** Another worker holds the delivery now (our lease expired): nothing was written for this attempt. */
export class LeaseLostError extends WebhookError {
  constructor(message = "The delivery's lease passed to another worker; the attempt was not recorded") {
    super("lease_lost", message);
    this.name = "LeaseLostError";
  }
}

/** One thing wrong with a value, where in it (`["data", "lines", "0", "amount"]`, from the event), and why. */
export interface ValidationIssue {
  path: string[];
  message: string;
  code: string;
}

/**
 * Bad input from the caller: maps to HTTP 422 (413 for payload_too_large and batch_too_large).
 * `issues` says what was wrong where, when known (an event's data against its schema).
 */
export class WebhookValidationError extends WebhookError {
  constructor(
    code: WebhookErrorCode,
    message: string,
    readonly issues?: ValidationIssue[],
  ) {
    super(code, message);
    this.name = "WebhookValidationError";
  }
}

/** An id that does not exist in the caller's organization: maps to HTTP 404. */
export class WebhookNotFoundError extends WebhookError {
  constructor(code: "organization_not_found" | "endpoint_not_found" | "delivery_not_found" | "api_key_not_found", message: string) {
    super(code, message);
    this.name = "WebhookNotFoundError";
  }
}

/** The request conflicts with the current state (a delivery in flight, a disabled endpoint): HTTP 409. */
export class WebhookConflictError extends WebhookError {
  constructor(
    code: "delivery_in_progress" | "endpoint_disabled" | "signing_key_missing" | "endpoint_rate_limited" | "api_key_revoked" | "listen_endpoint" | "no_shared_secret" | "no_public_key",
    message: string,
  ) {
    super(code, message);
    this.name = "WebhookConflictError";
  }
}

/** No HTTP exchange happened (invalid URL, blocked address, DNS failure, timeout, reset). */
export class TransportError extends WebhookError {
  constructor(
    code: "invalid_url" | "blocked_address" | "dns_failure" | "timeout" | "connection_failed",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "TransportError";
  }
}

/** A secret could not be encrypted or decrypted (missing key, wrong key, tampered data). */
export class SecretError extends WebhookError {
  constructor(
    code: "encryption_key_missing" | "decryption_failed",
    message: string,
    /** The encryption key id the stored value names, when it could be read. */
    readonly keyId?: string,
  ) {
    super(code, message);
    this.name = "SecretError";
  }
}
