import { createHash, randomBytes } from "node:crypto";
import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { cachedKey, forgetKeys, noteKeyUse, rememberKey, type KnownKey } from "@/lib/api-key-cache";
import type { DbClient } from "@/lib/database/db-types";
import { WebhookNotFoundError, WebhookValidationError } from "@/lib/webhooks/errors";

/** Keys look like `whk_` + 43 base64url characters (32 random bytes). */
export const API_KEY_PREFIX = "whk_";
/** How much of a key is kept in clear so people can tell their keys apart. */
const VISIBLE_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;
export const API_KEY_NAME_MAX = 100;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

// A SHA-256 of a 256-bit random key is as good as a slow hash here: there is
// nothing to brute-force, and lookups by hash stay one indexed query.
function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

const toView = (row: ApiKeyView): ApiKeyView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
});

/** Creates a key for an organization; the key itself is returned only here. */
export async function createApiKey(options: { organizationId: string; name: string; createdById?: string; prisma?: DbClient }): Promise<{ apiKey: ApiKeyView; key: string }> {
  const name = options.name.trim();
  if (name.length === 0 || name.length > API_KEY_NAME_MAX) {
    throw new WebhookValidationError("invalid_input", `Name must be 1 to ${API_KEY_NAME_MAX} characters`);
  }
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row = await (options.prisma ?? sharedPrisma).apiKey.create({
    data: {
      id: newId("key"),
      organizationId: options.organizationId,
      name,
      prefix: key.slice(0, VISIBLE_PREFIX_LENGTH),
      hash: hashKey(key),
      createdById: options.createdById,
    },
  });
  return { apiKey: toView(row), key };
}

export async function listApiKeys(options: { organizationId: string; prisma?: DbClient }): Promise<ApiKeyView[]> {
  const rows = await (options.prisma ?? sharedPrisma).apiKey.findMany({
    where: { organizationId: options.organizationId },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toView);
}

/** Revokes a key of the organization; revoking twice is harmless. Other processes stop accepting it within API_KEY_CACHE_TTL_MS. */
export async function revokeApiKey(options: { organizationId: string; keyId: string; prisma?: DbClient; now?: () => Date }): Promise<ApiKeyView> {
  const db = options.prisma ?? sharedPrisma;
  const row = await db.apiKey.findFirst({ where: { id: options.keyId, organizationId: options.organizationId } });
  if (!row) throw new WebhookNotFoundError("api_key_not_found", `API key ${options.keyId} not found`);
  forgetKeys({ keyId: row.id });
  if (row.revokedAt) return toView(row);
  const revoked = toView(await db.apiKey.update({ where: { id: row.id }, data: { revokedAt: options.now?.() ?? new Date() } }));
  // Again after the write: a request in between may have cached the key from the old row.
  forgetKeys({ keyId: row.id });
  return revoked;
}

/**
 * The organization a presented key belongs to, or null for an unknown or
 * revoked key, or one of an organization scheduled for deletion. Answers from
 * the process's key cache when it can (see lib/api-key-cache.ts): no query and
 * no write on a hot key; `lastUsedAt` is written in batches.
 */
export async function authenticateApiKey(key: string, options: { prisma?: DbClient; now?: () => Date } = {}): Promise<{ organizationId: string; keyId: string } | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const db = options.prisma ?? sharedPrisma;
  const hash = hashKey(key);
  let entry = cachedKey(hash);
  if (!entry) {
    const row = await db.apiKey.findUnique({ where: { hash }, include: { organization: { select: { deletionScheduledAt: true } } } });
    // A deleted organization's keys stop working at once, before its data is erased.
    entry = !row || row.revokedAt || row.organization.deletionScheduledAt ? { valid: false } : { valid: true, keyId: row.id, organizationId: row.organizationId, lastUsedAt: row.lastUsedAt };
    rememberKey(hash, entry);
  }
  if (!entry.valid) return null;
  noteKeyUse(entry as KnownKey, options.now?.() ?? new Date(), db);
  return { organizationId: entry.organizationId, keyId: entry.keyId };
}
