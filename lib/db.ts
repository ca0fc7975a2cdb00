import { flushKeyUse } from "@/lib/api-key-cache";
import { getEnv } from "@/lib/env";
import { openDatabase, type Database } from "@/lib/database/connect";
import type { PrismaClient } from "@/generated/prisma/client";

/**
 * The shared database. Callers import `prisma` and never learn which mode is on:
 * PostgreSQL when DATABASE_URL is set, embedded PGlite under DATA_DIR otherwise.
 *
 * The instance lives on `globalThis` because Next.js may load this module more
 * than once in one process (server bundles, instrumentation, dev reloads) and the
 * embedded database must be opened exactly once per process.
 */
const holder = globalThis as typeof globalThis & { __webhookDatabase?: Database };

/** The process-wide database, opened on first use. */
export function getDatabase(): Database {
  if (!holder.__webhookDatabase) {
    const env = getEnv();
    holder.__webhookDatabase = openDatabase({
      url: env.databaseUrl,
      dataDir: env.dataDir,
      poolSize: env.databasePoolSize,
    });
  }
  return holder.__webhookDatabase;
}

/** Closes the process-wide database; the next use opens it again. */
export async function closeDatabase(): Promise<void> {
  // API key last-used times still waiting for their batch are written while the database is open.
  if (holder.__webhookDatabase) await flushKeyUse();
  const database = holder.__webhookDatabase;
  holder.__webhookDatabase = undefined;
  await database?.close();
}

/**
 * The shared Prisma client. Opening is deferred to the first query so that
 * importing this module (e.g. while `next build` collects pages) touches nothing.
 */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getDatabase().prisma;
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});
