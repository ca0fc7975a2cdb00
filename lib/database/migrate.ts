import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** The few raw operations migrations need; one session (pg Client or PGlite). */
export interface SqlSession {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface ApplyMigrationsOptions {
  /** Defaults to `prisma/migrations` under the working directory. */
  directory?: string;
  onApplied?: (name: string) => void;
}

export class MigrationError extends Error {
  readonly code = "migration_failed";
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

/** Same key Prisma Migrate takes, so our migrator and the CLI never run at once. */
const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;

// The table exactly as Prisma Migrate creates it, so `prisma migrate status`
// and `migrate deploy` see our bookkeeping as their own.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

/** Reads `<dir>/<timestamp>_<name>/migration.sql` folders in name order. */
export async function readMigrations(directory = path.join(process.cwd(), "prisma", "migrations")): Promise<MigrationFile[]> {
  // Migrations are read at run time from the project folder, not traced into the build.
  const entries = await readdir(/* turbopackIgnore: true */ directory, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(/* turbopackIgnore: true */ path.join(directory, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations`, each in its
 * own transaction, under Prisma Migrate's advisory lock (safe when several
 * processes start at once). Returns the names applied; `[]` when up to date.
 * Throws {@link MigrationError} when an earlier migration failed half-way.
 */
export async function applyMigrations(session: SqlSession, options: ApplyMigrationsOptions = {}): Promise<string[]> {
  const migrations = await readMigrations(options.directory);
  await session.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await session.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and was never resolved; fix the database, then mark it rolled back.`,
      );
    }
    const done = new Set(rows.filter((row) => row.finished_at !== null).map((row) => row.migration_name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await applyOne(session, migration);
      applied.push(migration.name);
      options.onApplied?.(migration.name);
    }
    return applied;
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK]);
  }
}

async function applyOne(session: SqlSession, migration: MigrationFile): Promise<void> {
  await session.exec("BEGIN");
  try {
    await session.exec(migration.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await session.exec("COMMIT");
  } catch (error) {
    await session.exec("ROLLBACK");
    throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
  }
}
