import { LRUCache } from "lru-cache";
import type { ApiKeyScope } from "@/lib/api-key-scopes";
import { logger } from "@/lib/logger";
import { sqlTime, type DbClient } from "@/lib/database/db-types";

/**
 * How long a process trusts what it read about an API key. A key revoked (or an
 * organization scheduled for deletion) in this process stops working at once;
 * in another process, within this long — every process re-reads the key once
 * its entry is older than this. The ingest route then costs no query for the key.
 */
export const API_KEY_CACHE_TTL_MS = 5_000;
/** `lastUsedAt` is recorded at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;
/** Uses seen within this long are written together, in one statement. */
export const LAST_USED_FLUSH_MS = 1_000;

export interface KnownKey {
  valid: true;
  keyId: string;
  organizationId: string;
  scopes: readonly ApiKeyScope[];
  lastUsedAt: Date | null;
}
export type CachedKey = KnownKey | { valid: false };

let clock: () => number = () => performance.now();

/** Keys by hash; bounded, so a flood of made-up keys cannot grow memory. */
const cache = new LRUCache<string, CachedKey>({ max: 10_000, ttl: API_KEY_CACHE_TTL_MS, ttlResolution: 0, perf: { now: () => clock() } });

/** The cache's clock in milliseconds (tests move it forward). */
export function setKeyCacheClock(now: () => number): void {
  clock = now;
}

export function cachedKey(hash: string): CachedKey | undefined {
  return cache.get(hash);
}

export function rememberKey(hash: string, entry: CachedKey): void {
  cache.set(hash, entry);
}

/** Forgets cached keys matching `which` (after a revocation or an organization's deletion in this process). */
export function forgetKeys(which: { keyId?: string; organizationId?: string }): void {
  for (const [hash, entry] of cache.entries()) {
    if (entry.valid && (entry.keyId === which.keyId || entry.organizationId === which.organizationId)) cache.delete(hash);
  }
}

/** Forgets every cached key (tests). */
export function clearKeyCache(): void {
  cache.clear();
}

const pendingUse = new Map<string, Date>();
let flushTimer: NodeJS.Timeout | undefined;
let flushDb: DbClient | undefined;

/**
 * Notes that `key` was used at `now`. When its `lastUsedAt` is older than
 * {@link LAST_USED_RESOLUTION_MS}, the new time is written with the other keys
 * used in the same second: one statement per process per second at most, none
 * on the request's path.
 */
export function noteKeyUse(key: KnownKey, now: Date, db: DbClient): void {
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() <= LAST_USED_RESOLUTION_MS) return;
  key.lastUsedAt = now;
  pendingUse.set(key.keyId, now);
  flushDb = db;
  if (!flushTimer) {
    flushTimer = setTimeout(() => void flushKeyUse(), LAST_USED_FLUSH_MS);
    flushTimer.unref();
  }
}

/** Writes the pending `lastUsedAt` times now (the timer does it within a second; shutdown and tests call it). */
export async function flushKeyUse(): Promise<void> {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const db = flushDb;
  flushDb = undefined;
  if (pendingUse.size === 0 || !db) return;
  const entries = [...pendingUse];
  pendingUse.clear();
  try {
    await db.$executeRawUnsafe(
      `UPDATE "ApiKey" k SET "lastUsedAt" = u.at
         FROM unnest($1::text[], $2::timestamp(3)[]) AS u(id, at)
        WHERE k."id" = u.id AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < u.at)`,
      entries.map(([id]) => id),
      entries.map(([, at]) => sqlTime(at)),
    );
  } catch (error) {
    // A last-used time is informational: losing one is better than failing a request over it.
    logger.warn({ err: error, keys: entries.length }, "recording API key use failed");
  }
}
