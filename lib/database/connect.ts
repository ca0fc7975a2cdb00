import { existsSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { lockEmbeddedDatabase } from "@/lib/database/embedded-lock";
import { applyMigrations, type SqlSession } from "@/lib/database/migrate";
import type { HotStatement } from "@/lib/database/hot-sql";
import { createPGliteAdapter } from "@/lib/database/pglite-adapter";

export type DatabaseMode = "postgres" | "embedded";

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  url?: string;
  /** Embedded mode: data folder, or "memory://" for a throwaway database. */
  dataDir: string;
  /** PostgreSQL mode: connections in the pool. */
  poolSize?: number;
  /** PostgreSQL mode: give up connecting after this long. */
  connectTimeoutMs?: number;
}

export interface Database {
  readonly mode: DatabaseMode;
  readonly prisma: PrismaClient;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /**
   * Runs `work` on one dedicated raw SQL session (a pooled `pg` connection, or
   * the embedded database's only session), for work Prisma's client does not fit:
   * migrations, long read-only snapshots and bulk loads in one transaction.
   */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * One statement of the delivery hot path (see lib/database/hot-sql.ts): on
   * PostgreSQL a named, prepared statement on the pool; embedded, the same SQL
   * through Prisma's raw query (the embedded database has one session anyway).
   * Rows come back as Prisma's raw queries return them: timestamps as Dates.
   */
  hotQuery<Row>(statement: HotStatement, params: readonly unknown[]): Promise<Row[]>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` (from any process on
   * PostgreSQL; from this process in embedded mode). Resolves to an unsubscribe
   * function. On PostgreSQL the listening connection reconnects by itself.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Where the embedded database keeps its files inside DATA_DIR. */
function embeddedPath(dataDir: string): string {
  return path.join(dataDir, "pglite");
}

/** True when DATA_DIR holds an embedded database (opening one that does not exist creates it). */
export function embeddedDatabaseExists(dataDir: string): boolean {
  return dataDir !== "memory://" && existsSync(embeddedPath(dataDir));
}

/** Opens the database described by `options`. Connections are made lazily on first query. */
export function openDatabase(options: DatabaseOptions): Database {
  return options.url ? openPostgres(options.url, options) : openEmbedded(options.dataDir);
}

const TIMESTAMP_OID = 1114;
/**
 * Columns are `timestamp(3)` holding UTC (as Prisma reads and writes them);
 * `pg` alone would read them in the process's local time zone.
 */
const UTC_TIMESTAMPS = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  // An idle client's error (server restart) must not crash the process; the
  // pool drops that client and the next query reconnects.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const withSession = async <T>(work: (session: SqlSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work({
        exec: async (sql) => void (await client.query(sql)),
        query: async (sql, params) => (await client.query(sql, params)).rows,
      });
    } finally {
      client.release();
    }
  };
  return {
    mode: "postgres",
    prisma,
    migrate: () => withSession((session) => applyMigrations(session)),
    withSession,
    hotQuery: async <Row>(statement: HotStatement, params: readonly unknown[]) =>
      (await pool.query({ name: statement.name, text: statement.text, values: [...params], types: UTC_TIMESTAMPS })).rows as Row[],
    listen: (channel, onNotify) => listenPostgres(url, channel, onNotify),
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

function openEmbedded(dataDir: string): Database {
  const inMemory = dataDir === "memory://";
  const release = inMemory ? () => {} : lockEmbeddedDatabase(dataDir);
  const client = inMemory ? new PGlite() : new PGlite(embeddedPath(dataDir));
  const prisma = new PrismaClient({ adapter: createPGliteAdapter(client) });
  const session: SqlSession = {
    exec: async (sql) => void (await client.exec(sql)),
    query: async <Row>(sql: string, params?: unknown[]) => (await client.query<Row>(sql, params)).rows,
  };
  return {
    mode: "embedded",
    prisma,
    migrate: () => applyMigrations(session),
    withSession: (work) => work(session),
    hotQuery: <Row>(statement: HotStatement, params: readonly unknown[]) => prisma.$queryRawUnsafe<Row[]>(statement.text, ...params),
    async listen(channel, onNotify) {
      const unsubscribe = await client.listen(channel, () => onNotify());
      return () => unsubscribe();
    },
    async close() {
      await prisma.$disconnect();
      if (!client.closed) await client.close();
      release();
    },
  };
}

/** A dedicated connection for LISTEN that reconnects (with back-off) after errors. */
async function listenPostgres(url: string, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delayMs = 500;
  const quoted = `"${channel.replace(/"/g, '""')}"`;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    next.on("notification", () => onNotify());
    next.on("error", () => reconnect(next));
    next.on("end", () => reconnect(next));
    await next.connect();
    await next.query(`LISTEN ${quoted}`);
    client = next;
    delayMs = 500;
    // Anything committed while we were not listening is picked up by this wake-up.
    onNotify();
  };
  const reconnect = (broken: pg.Client) => {
    if (stopped || client !== broken) return;
    client = undefined;
    broken.end().catch(() => {});
    schedule();
  };
  const schedule = () => {
    if (stopped) return;
    retryTimer = setTimeout(() => {
      connect().catch(() => {
        delayMs = Math.min(delayMs * 2, 30_000);
        schedule();
      });
    }, delayMs);
    retryTimer.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    await client?.end().catch(() => {});
  };
}
