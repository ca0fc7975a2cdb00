import { createHash, randomBytes } from "node:crypto";
import { prisma as sharedPrisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { cachedKey, forgetKeys, noteKeyUse, rememberKey, type KnownKey } from "@/lib/api-key-cache";
import { DEFAULT_API_KEY_SCOPES, normaliseScopes, type ApiKeyScope } from "@/lib/api-key-scopes";
import type { DbClient } from "@/lib/database/db-types";
import { WebhookConflictError, WebhookNotFoundError, WebhookValidationError } from "@/lib/webhooks/errors";

/** Keys look like `whk_` + 43 base64url characters (32 random bytes). */
export const API_KEY_PREFIX = "whk_";
/** How much of a key is kept in clear so people can tell their keys apart. */
const VISIBLE_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;
export const API_KEY_NAME_MAX = 100;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

// A SHA-256 of a 256-bit random key is as good as a slow hash here: there is
// nothing to brute-force, and lookups by hash stay one indexed query.
function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

const toView = (row: Omit<ApiKeyView, "scopes"> & { scopes: string[] }): ApiKeyView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: normaliseScopes(row.scopes),
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
});

/** A key's scopes as given: at least one, each known (the route's zod schema says the same with issues). */
function checkedScopes(scopes: readonly string[]): ApiKeyScope[] {
  const known = normaliseScopes(scopes);
  if (known.length === 0 || known.length !== new Set(scopes).size) {
    throw new WebhookValidationError("invalid_input", "Scopes must be one or more of events:write, endpoints:read, endpoints:write, deliveries:read, deliveries:write");
  }
  return known;
}

/**
 * Creates a key for an organization with `scopes` (default: `events:write` only);
 * the key itself is returned only here. Throws WebhookValidationError for an
 * empty or too long name, or no or unknown scopes.
 */
export async function createApiKey(options: { organizationId: string; name: string; scopes?: readonly string[]; createdById?: string; prisma?: DbClient }): Promise<{ apiKey: ApiKeyView; key: string }> {
  const name = options.name.trim();
  if (name.length === 0 || name.length > API_KEY_NAME_MAX) {
    throw new WebhookValidationError("invalid_input", `Name must be 1 to ${API_KEY_NAME_MAX} characters`);
  }
  const scopes = checkedScopes(options.scopes ?? DEFAULT_API_KEY_SCOPES);
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row = await (options.prisma ?? sharedPrisma).apiKey.create({
    data: {
      id: newId("key"),
      organizationId: options.organizationId,
      name,
      prefix: key.slice(0, VISIBLE_PREFIX_LENGTH),
      hash: hashKey(key),
      scopes,
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
 * Replaces the scopes of an active key of the organization. Takes effect at once
 * in this process and within API_KEY_CACHE_TTL_MS in the others. Throws
 * WebhookNotFoundError for another organization's or an unknown key,
 * WebhookConflictError for a revoked one, WebhookValidationError for bad scopes.
 */
export async function setApiKeyScopes(options: { organizationId: string; keyId: string; scopes: readonly string[]; prisma?: DbClient }): Promise<{ apiKey: ApiKeyView; previousScopes: ApiKeyScope[] }> {
  const db = options.prisma ?? sharedPrisma;
  const scopes = checkedScopes(options.scopes);
  const row = await db.apiKey.findFirst({ where: { id: options.keyId, organizationId: options.organizationId } });
  if (!row) throw new WebhookNotFoundError("api_key_not_found", `API key ${options.keyId} not found`);
  if (row.revokedAt) throw new WebhookConflictError("api_key_revoked", `API key ${options.keyId} is revoked; create a new key instead`);
  forgetKeys({ keyId: row.id });
  const updated = toView(await db.apiKey.update({ where: { id: row.id }, data: { scopes } }));
  forgetKeys({ keyId: row.id });
  return { apiKey: updated, previousScopes: normaliseScopes(row.scopes) };
}

/**
 * The organization a presented key belongs to, or null for an unknown or
 * revoked key, or one of an organization scheduled for deletion. Answers from
 * the process's key cache when it can (see lib/api-key-cache.ts): no query and
 * no write on a hot key; `lastUsedAt` is written in batches.
 */
export async function authenticateApiKey(key: string, options: { prisma?: DbClient; now?: () => Date } = {}): Promise<{ organizationId: string; keyId: string; scopes: readonly ApiKeyScope[] } | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const db = options.prisma ?? sharedPrisma;
  const hash = hashKey(key);
  let entry = cachedKey(hash);
  if (!entry) {
    const row = await db.apiKey.findUnique({ where: { hash }, include: { organization: { select: { deletionScheduledAt: true } } } });
    // A deleted organization's keys stop working at once, before its data is erased.
    entry = !row || row.revokedAt || row.organization.deletionScheduledAt ? { valid: false } : { valid: true, keyId: row.id, organizationId: row.organizationId, scopes: normaliseScopes(row.scopes), lastUsedAt: row.lastUsedAt };
    rememberKey(hash, entry);
  }
  if (!entry.valid) return null;
  noteKeyUse(entry as KnownKey, options.now?.() ?? new Date(), db);
  return { organizationId: entry.organizationId, keyId: entry.keyId, scopes: entry.scopes };
}
