import { prisma as sharedPrisma } from "@/lib/db";
import { logger } from "@/lib/logger";
import type { DbClient } from "@/lib/database/db-types";
import { getKeyRing, type KeyRing, needsReencryption, resealSigningSecret, type StoredSecrets } from "@/lib/webhooks/secrets";
import { SecretError } from "@/lib/webhooks/errors";
import { openAttemptCredentials, resealHeaders } from "@/lib/webhooks/endpoint-headers";
import { signalDeliveriesDue } from "@/lib/webhooks/enqueue";

/**
 * Endpoints whose signing secret no configured encryption key can open (a key removed from
 * WEBHOOK_ENCRYPTION_KEYS too early, or a different key under the same id). Such an endpoint is
 * marked (`signingBlockedAt`): claims skip it, so its deliveries wait without using attempts
 * instead of each failing once per lease forever, and the health check raises a
 * `secret_undecryptable` alert. When the key ring opens the secret again the mark is cleared
 * (start-up and every maintenance tick) and the deliveries go out as if nothing happened.
 */

/** The columns that say what an attempt must open: the signing credentials (with their schemes) and the sealed headers. */
const STORED_SECRET_COLUMNS = {
  id: true,
  secretEncrypted: true,
  signatureScheme: true,
  previousSecretEncrypted: true,
  previousSignatureScheme: true,
  previousSecretExpiresAt: true,
  headersEncrypted: true,
} as const;

/** Shown for a stored secret that is not in the `v1.<keyId>.<data>` format. */
const UNKNOWN_KEY_ID = "(not v1)";

/**
 * The key id of the first of `row`'s signing secrets (or of its sealed custom headers, which
 * every attempt sends too) that `ring` cannot open; `undefined` when all open.
 */
export function unopenableKeyId(row: StoredSecrets & { headersEncrypted?: string | null }, now: Date, ring: KeyRing): string | undefined {
  try {
    openAttemptCredentials(row, now, ring);
    return undefined;
  } catch (error) {
    if (error instanceof SecretError) return error.keyId ?? UNKNOWN_KEY_ID;
    throw error;
  }
}

export interface HoldInput {
  delivery: { id: string; organizationId: string; endpointId: string };
  leaseOwner: string;
  error: SecretError;
  now: Date;
}

/**
 * A worker holding `delivery`'s lease could not decrypt its endpoint's secret. Marks the
 * endpoint (only if unmarked, so one log line per endpoint, not one per delivery per lease),
 * then releases the lease without touching attempts, status or the schedule: nothing was sent
 * and nothing is used up. Returns false when the lease was no longer ours.
 */
export async function holdForUndecryptableSecret(db: DbClient, input: HoldInput): Promise<boolean> {
  const { delivery, error, now } = input;
  const keyId = error.keyId ?? null;
  const { count: marked } = await db.webhookEndpoint.updateMany({
    where: { id: delivery.endpointId, signingBlockedAt: null },
    data: { signingBlockedAt: now, signingBlockedKeyId: keyId },
  });
  if (marked) {
    logger.error(
      { endpointId: delivery.endpointId, organizationId: delivery.organizationId, keyId },
      "no key in WEBHOOK_ENCRYPTION_KEYS opens this endpoint's signing secret: its deliveries wait until the key is restored",
    );
  }
  const released = await db.webhookDelivery.updateMany({
    where: { id: delivery.id, leaseOwner: input.leaseOwner },
    data: { leaseOwner: null, leaseExpiresAt: null },
  });
  return released.count > 0;
}

export interface SigningCheckOptions {
  prisma?: DbClient;
  /** Default: this process's key ring. */
  ring?: KeyRing;
  now?: () => Date;
}

/**
 * Clears the mark of every marked endpoint whose signing secrets `ring` opens now, and wakes
 * this process's worker so their deliveries go out at once. Reads only marked endpoints.
 */
export async function recheckBlockedSigning(options: SigningCheckOptions = {}): Promise<{ checked: number; cleared: number }> {
  const db = options.prisma ?? sharedPrisma;
  const ring = options.ring ?? getKeyRing();
  const now = options.now?.() ?? new Date();
  const rows = await db.webhookEndpoint.findMany({
    where: { signingBlockedAt: { not: null } },
    select: { ...STORED_SECRET_COLUMNS, organizationId: true, signingBlockedAt: true },
  });
  let cleared = 0;
  for (const row of rows) {
    if (unopenableKeyId(row, now, ring) !== undefined) continue;
    const { count } = await db.webhookEndpoint.updateMany({
      where: { id: row.id, signingBlockedAt: row.signingBlockedAt },
      data: { signingBlockedAt: null, signingBlockedKeyId: null },
    });
    if (!count) continue;
    cleared++;
    logger.info({ endpointId: row.id, organizationId: row.organizationId }, "endpoint signing secret opens again: its deliveries resume");
  }
  if (cleared) signalDeliveriesDue();
  return { checked: rows.length, cleared };
}

export interface StoredSecretsReport {
  /** Endpoints scanned. */
  endpoints: number;
  /** Endpoints with a signing secret the key ring cannot open. */
  undecryptable: number;
  /** `undecryptable`, counted by the key id their secret names. */
  byKeyId: Record<string, number>;
  /** Marks cleared because the key ring opens those secrets again. */
  cleared: number;
}

/**
 * The start-up check: clears marks the key ring can lift ({@link recheckBlockedSigning}), then
 * counts the endpoints whose signing secrets (current, and previous during a rotation's grace)
 * the ring cannot open, and warns with one log line when there are any. A secret under an
 * unknown key id fails on the id alone; one under a configured id is decrypted (AES-GCM, a few
 * microseconds), which also catches a key regenerated under an old id. Reads the endpoints in
 * batches of `batchSize`; marks nothing (a worker marks an endpoint when it meets one).
 */
export async function checkStoredSecretsDecryptable(options: SigningCheckOptions & { batchSize?: number } = {}): Promise<StoredSecretsReport> {
  const db = options.prisma ?? sharedPrisma;
  const ring = options.ring ?? getKeyRing();
  const now = options.now?.() ?? new Date();
  const { cleared } = await recheckBlockedSigning({ prisma: db, ring, now: () => now });
  const byKeyId: Record<string, number> = {};
  let endpoints = 0;
  let undecryptable = 0;
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.webhookEndpoint.findMany({
      where: cursor ? { id: { gt: cursor } } : {},
      orderBy: { id: "asc" },
      take: options.batchSize ?? 1_000,
      select: STORED_SECRET_COLUMNS,
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]!.id;
    endpoints += rows.length;
    for (const row of rows) {
      const keyId = unopenableKeyId(row, now, ring);
      if (keyId === undefined) continue;
      undecryptable++;
      byKeyId[keyId] = (byKeyId[keyId] ?? 0) + 1;
    }
  }
  if (undecryptable) {
    const keys = Object.entries(byKeyId)
      .map(([id, count]) => `"${id}" ${count}`)
      .join(", ");
    logger.warn(
      { endpoints, undecryptable, byKeyId },
      `${undecryptable} endpoint${undecryptable === 1 ? " has a signing secret" : "s have signing secrets"} that no key in WEBHOOK_ENCRYPTION_KEYS can open (by key id: ${keys}); their deliveries wait until the key is restored`,
    );
  }
  return { endpoints, undecryptable, byKeyId, cleared };
}

/**
 * Re-encrypts every endpoint signing credential (current and previous, `whsec_` secrets and
 * `whsk_` private keys alike) and sealed custom headers not under
 * the key ring's primary key. Run after putting a new key first in
 * WEBHOOK_ENCRYPTION_KEYS; once it reports 0 remaining, the old key can go.
 * Each endpoint is updated only if its ciphertext did not change meanwhile.
 */
export async function reencryptSecrets(options: { prisma?: DbClient; ring?: KeyRing; batchSize?: number } = {}): Promise<{ updated: number; scanned: number }> {
  const db = options.prisma ?? sharedPrisma;
  const ring = options.ring ?? getKeyRing();
  const batchSize = options.batchSize ?? 500;
  let cursor: string | undefined;
  let updated = 0;
  let scanned = 0;
  for (;;) {
    const rows = await db.webhookEndpoint.findMany({
      where: cursor ? { id: { gt: cursor } } : {},
      orderBy: { id: "asc" },
      take: batchSize,
      select: { id: true, secretEncrypted: true, signatureScheme: true, previousSecretEncrypted: true, previousSignatureScheme: true, headersEncrypted: true },
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]!.id;
    scanned += rows.length;
    for (const row of rows) {
      const current = needsReencryption(row.secretEncrypted, ring);
      const previous = row.previousSecretEncrypted !== null && needsReencryption(row.previousSecretEncrypted, ring);
      const headers = row.headersEncrypted !== null && needsReencryption(row.headersEncrypted, ring);
      if (!current && !previous && !headers) continue;
      const { count } = await db.webhookEndpoint.updateMany({
        // The schemes are part of the condition: each value is opened with the associated data of its scheme.
        where: {
          id: row.id,
          secretEncrypted: row.secretEncrypted,
          signatureScheme: row.signatureScheme,
          previousSecretEncrypted: row.previousSecretEncrypted,
          previousSignatureScheme: row.previousSignatureScheme,
          headersEncrypted: row.headersEncrypted,
        },
        data: {
          headersEncrypted: headers && row.headersEncrypted ? resealHeaders(row.headersEncrypted, row.id, ring) : undefined,
          secretEncrypted: current ? resealSigningSecret(row.secretEncrypted, row.id, row.signatureScheme, ring) : undefined,
          previousSecretEncrypted:
            previous && row.previousSecretEncrypted ? resealSigningSecret(row.previousSecretEncrypted, row.id, row.previousSignatureScheme, ring) : undefined,
        },
      });
      updated += count;
    }
  }
  return { updated, scanned };
}
