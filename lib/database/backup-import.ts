import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  BackupError,
  scanBackup,
  type BackupHeader,
  type LocalSecretFile,
} from "@/lib/database/backup-format";
import { appliedMigrationNames, applicationTables, nonEmptyTables, quoteIdent, tableColumns } from "@/lib/database/catalog";
import type { Database } from "@/lib/database/connect";
import { applyMigrations, readMigrations, type SqlSession } from "@/lib/database/migrate";
import { readOrCreateFile } from "@/lib/local-file";
import { openSigningSecret, parseKeyRing, type KeyRing } from "@/lib/webhooks/secrets";
import { headersOpenWith } from "@/lib/webhooks/endpoint-headers";

/** Rows per INSERT, and the most JSON text one INSERT carries (event bodies can be 256 KiB). */
export const IMPORT_BATCH_ROWS = 1_000;
export const IMPORT_BATCH_BYTES = 4 * 1024 * 1024;

export interface ImportOptions {
  file: string;
  /** Opens the target database; called only after the whole file has been checked. */
  open: () => Database;
  /** The target's DATA_DIR: where its local secret files live ("memory://": nowhere). */
  dataDir: string;
  /**
   * The key ring the target runs with (from WEBHOOK_ENCRYPTION_KEYS). Without one,
   * the target's `dataDir/encryption-key` is used, or else the one the backup
   * carries — what the app itself would use in development.
   */
  keyRing?: KeyRing;
  /** Local secret files the target's configuration replaces (BETTER_AUTH_SECRET set: `auth-secret`); never written. */
  configured?: LocalSecretFile[];
  /** Defaults to `prisma/migrations`: the migrations of this code. */
  migrationsDirectory?: string;
  batchRows?: number;
  batchBytes?: number;
}

export interface ImportResult {
  /** Rows loaded per table. */
  rows: Record<string, number>;
  /** The schema version of the backup (and now of the target). */
  migrations: string[];
  /** Migrations applied to the target before loading (all of them for a new database). */
  applied: string[];
  /** Local secret files the backup carried that were written into `dataDir`. */
  localFilesWritten: LocalSecretFile[];
}

const LOCAL_KEY_FILE: LocalSecretFile = "encryption-key";

function sameMigrations(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

function describe(migrations: string[]): string {
  return migrations.length === 0 ? "no migrations" : `${migrations.at(-1)} (${migrations.length} migrations)`;
}

/** The local files of the backup to write into `dataDir`: absent there, and not replaced by configuration. Throws on a conflicting file. */
function localFilesToWrite(header: BackupHeader, options: ImportOptions): [LocalSecretFile, string][] {
  if (!header.localFiles || options.dataDir === "memory://") return [];
  const writes: [LocalSecretFile, string][] = [];
  for (const [name, content] of Object.entries(header.localFiles) as [LocalSecretFile, string][]) {
    if (options.configured?.includes(name)) continue;
    const target = path.join(options.dataDir, name);
    if (!existsSync(target)) writes.push([name, content]);
    else if (readFileSync(target, "utf8") !== content) {
      throw new BackupError(
        "local_file_conflict",
        `${target} already exists and differs from the ${name} the backup carries; move it away or import with a fresh DATA_DIR`,
      );
    }
  }
  return writes;
}

/** The ring the target will decrypt endpoint secrets with, found the way the app finds it. */
function targetKeyRing(header: BackupHeader, options: ImportOptions): KeyRing | undefined {
  if (options.keyRing) return options.keyRing;
  const localFile = options.dataDir === "memory://" ? undefined : path.join(options.dataDir, LOCAL_KEY_FILE);
  const content = localFile && existsSync(localFile) ? readFileSync(localFile, "utf8") : header.localFiles?.[LOCAL_KEY_FILE];
  if (content === undefined) return undefined;
  try {
    return parseKeyRing(content);
  } catch {
    throw new BackupError("encryption_key_mismatch", `${localFile && existsSync(localFile) ? localFile : `the backup's ${LOCAL_KEY_FILE}`} is not a valid key file`);
  }
}

function missingKey(header: BackupHeader, options: ImportOptions, problem: string): BackupError {
  const ids = header.encryptionKeyIds.map((id) => `"${id}"`).join(", ");
  const where = options.dataDir === "memory://" ? "" : `, copy the source's DATA_DIR/encryption-key to ${path.join(options.dataDir, LOCAL_KEY_FILE)}`;
  return new BackupError(
    "encryption_key_mismatch",
    `endpoint secrets in the backup are encrypted under key id ${ids} and ${problem}: set WEBHOOK_ENCRYPTION_KEYS to the source's keys${where}, or export again with --include-local-secrets; nothing was imported`,
  );
}

/** Reads the whole file once: structure, row counts, SHA-256, and that every endpoint secret opens with the target's keys. */
async function verify(options: ImportOptions): Promise<{ header: BackupHeader; writes: [LocalSecretFile, string][] }> {
  let header: BackupHeader | undefined;
  let ring: KeyRing | undefined;
  let writes: [LocalSecretFile, string][] = [];
  await scanBackup(options.file, (item) => {
    if (item.kind === "header") {
      header = item.header;
      writes = localFilesToWrite(header, options);
      ring = targetKeyRing(header, options);
      if (header.encryptionKeyIds.length === 0) return;
      if (!ring) throw missingKey(header, options, "this target has no encryption key yet");
      const absent = header.encryptionKeyIds.filter((id) => !ring!.keys.has(id));
      if (absent.length > 0) throw missingKey(header, options, `the target's keys lack ${absent.map((id) => `"${id}"`).join(", ")}`);
      return;
    }
    if (item.table !== "WebhookEndpoint") return;
    const id = String(item.row.id);
    // Each credential opens with the associated data of its scheme: a whsec_ secret or an Ed25519 private key.
    for (const [column, schemeColumn] of [["secretEncrypted", "signatureScheme"], ["previousSecretEncrypted", "previousSignatureScheme"]] as const) {
      const stored = item.row[column];
      if (typeof stored !== "string") continue;
      try {
        openSigningSecret(stored, id, item.row[schemeColumn] === "ed25519" ? "ed25519" : "hmac", ring!);
      } catch {
        throw missingKey(header!, options, `endpoint ${id}'s ${column} does not decrypt with the target's key of that id (a different key)`);
      }
    }
    const headers = item.row.headersEncrypted;
    if (typeof headers === "string" && !headersOpenWith(headers, id, ring!)) {
      throw missingKey(header!, options, `endpoint ${id}'s headersEncrypted does not decrypt with the target's key of that id (a different key)`);
    }
  });
  return { header: header!, writes };
}

async function checkSchema(session: SqlSession, header: BackupHeader): Promise<void> {
  const applied = (await appliedMigrationNames(session)) ?? [];
  if (!sameMigrations(applied, header.migrations)) {
    throw new BackupError(
      "schema_mismatch",
      `the target database is at ${describe(applied)} but the backup at ${describe(header.migrations)}; import into a database of the same release`,
    );
  }
  for (const table of header.tables) {
    const columns = await tableColumns(session, table.name).catch(() => []);
    const same =
      columns.length === table.columns.length &&
      columns.every((column, index) => column.name === table.columns[index]!.name && column.type === table.columns[index]!.type);
    if (!same) throw new BackupError("schema_mismatch", `the target's ${table.name} table does not have the backup's columns`);
  }
}

function notEmpty(tables: string[]): BackupError {
  return new BackupError(
    "not_empty",
    `the target database is not empty (rows in ${tables.join(", ")}); an import never merges: use a new, empty database`,
  );
}

/** Loads every row of the (already verified) file in one transaction, with the application tables locked against other writers. */
async function load(session: SqlSession, options: ImportOptions, header: BackupHeader): Promise<Record<string, number>> {
  const batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
  const batchBytes = options.batchBytes ?? IMPORT_BATCH_BYTES;
  const statements = new Map(
    header.tables.map((table) => {
      const columns = table.columns.map((column) => quoteIdent(column.name)).join(", ");
      const name = `public.${quoteIdent(table.name)}`;
      // json_populate_recordset turns PostgreSQL's own JSON for the row back into the row: no value passes through JavaScript.
      const sql = `WITH loaded AS (INSERT INTO ${name} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${name}, $1::json) RETURNING 1) SELECT count(*)::int AS n FROM loaded`;
      return [table.name, sql];
    }),
  );
  const loaded: Record<string, number> = Object.fromEntries(header.tables.map((table) => [table.name, 0]));
  let batch: string[] = [];
  let batchTable = "";
  let size = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const [result] = await session.query<{ n: number }>(statements.get(batchTable)!, [`[${batch.join(",")}]`]);
    if (result?.n !== batch.length) throw new Error(`loading ${batchTable} inserted ${result?.n} of ${batch.length} rows`);
    loaded[batchTable] = (loaded[batchTable] ?? 0) + batch.length;
    batch = [];
    size = 0;
  };

  await session.exec("BEGIN");
  try {
    const tables = await applicationTables(session);
    await session.exec(`LOCK TABLE ${tables.map((table) => `public.${quoteIdent(table)}`).join(", ")} IN EXCLUSIVE MODE`);
    const filled = await nonEmptyTables(session);
    if (filled.length > 0) throw notEmpty(filled);
    const totals = await scanBackup(options.file, async (item) => {
      if (item.kind !== "row") return;
      if (item.table !== batchTable || batch.length >= batchRows || size >= batchBytes) {
        await flush();
        batchTable = item.table;
      }
      batch.push(item.json);
      size += item.json.length;
    });
    await flush();
    for (const [table, count] of Object.entries(totals.rows)) {
      if (loaded[table] !== count) throw new Error(`loaded ${loaded[table]} ${table} rows, the backup has ${count}`);
    }
    // Ordered deliveries written after the import must queue behind the imported ones.
    await session.exec(
      `SELECT setval('"WebhookDelivery_orderSeq_seq"', COALESCE((SELECT max("orderSeq") FROM "WebhookDelivery"), 0) + 1, false)`,
    );
    await session.exec("COMMIT");
    return loaded;
  } catch (error) {
    await session.exec("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * Imports a backup written by {@link exportDatabase} into an empty database, all
 * or nothing. First the whole file is read and checked (format, row counts,
 * SHA-256, schema version against this code's migrations, every endpoint secret
 * opening with the target's encryption keys) before the target is touched; then
 * a target holding any row is refused without a change; then this code's
 * migrations are applied, the target's schema is compared with the backup's, and
 * all rows are loaded in one transaction (ids, timestamps and event bodies
 * exactly as exported). Local secret files the backup carries are written into
 * `dataDir` afterwards, where absent. Throws {@link BackupError} for anything
 * refused; other errors (database unreachable) pass through, with the
 * transaction rolled back.
 */
export async function importDatabase(options: ImportOptions): Promise<ImportResult> {
  const { header, writes } = await verify(options);
  const code = (await readMigrations(options.migrationsDirectory)).map((migration) => migration.name);
  if (!sameMigrations(code, header.migrations)) {
    throw new BackupError(
      "schema_mismatch",
      `the backup was exported at ${describe(header.migrations)} but this release is at ${describe(code)}; import it with the release that exported it (or upgrade the source and export again)`,
    );
  }

  const database = options.open();
  let result: Omit<ImportResult, "localFilesWritten">;
  try {
    result = await database.withSession(async (session) => {
      const filled = await nonEmptyTables(session);
      if (filled.length > 0) throw notEmpty(filled);
      const applied = await applyMigrations(session, { directory: options.migrationsDirectory });
      await checkSchema(session, header);
      const rows = await load(session, options, header);
      return { rows, migrations: header.migrations, applied };
    });
  } finally {
    await database.close();
  }
  for (const [name, content] of writes) readOrCreateFile(path.join(options.dataDir, name), () => content);
  return { ...result, localFilesWritten: writes.map(([name]) => name) };
}
