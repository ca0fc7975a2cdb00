import { randomBytes } from "node:crypto";
import pg from "pg";
import type { PrismaClient } from "@/generated/prisma/client";
import { closeDatabase, getDatabase } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";

/** The PostgreSQL server the suite runs against, or undefined for embedded PGlite. */
export function adminDatabaseUrl(): string | undefined {
  return process.env.TEST_ADMIN_DATABASE_URL || undefined;
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function onAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty PostgreSQL database on the test server; returns its URL and a drop function. */
export async function createScratchPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = adminDatabaseUrl();
  if (!admin) throw new Error("createScratchPostgres needs DATABASE_URL");
  const name = `webhooks_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await onAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    url: withDatabaseName(admin, name),
    drop: () => onAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

export interface TestDatabase {
  readonly prisma: PrismaClient;
  readonly mode: "postgres" | "embedded";
  /** Empties every table (migrations bookkeeping excepted). */
  truncate(): Promise<void>;
}

/**
 * Gives this test file its own migrated database behind the shared client in
 * `@/lib/db`: a fresh PostgreSQL database when the suite runs with DATABASE_URL,
 * an in-memory PGlite otherwise. Dropped after the file's tests.
 */
export function setupTestDatabase(): TestDatabase {
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    await closeDatabase();
    if (adminDatabaseUrl()) {
      const scratch = await createScratchPostgres();
      process.env.DATABASE_URL = scratch.url;
      drop = scratch.drop;
    } else {
      delete process.env.DATABASE_URL;
      process.env.DATA_DIR = "memory://";
    }
    resetEnvCache();
    await getDatabase().migrate();
  });
  afterAll(async () => {
    await closeDatabase();
    await drop?.();
    resetEnvCache();
  });
  return {
    get prisma() {
      return getDatabase().prisma;
    },
    get mode() {
      return getDatabase().mode;
    },
    async truncate() {
      const tables = await getDatabase().prisma.$queryRaw<{ tablename: string }[]>`
        SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
      if (tables.length === 0) return;
      const list = tables.map((table) => `"${table.tablename}"`).join(", ");
      await getDatabase().prisma.$executeRawUnsafe(`TRUNCATE ${list} CASCADE`);
    },
  };
}
