import { createHash } from "node:crypto";
import { createWriteStream, existsSync, linkSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { finished } from "node:stream/promises";
import type { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupError,
  CARRIED_TABLES,
  LOCAL_SECRET_FILES,
  rowLinePrefix,
  SKIPPED_TABLES,
  type BackupHeader,
  type LocalSecretFile,
} from "@/lib/database/backup-format";
import { appliedMigrationNames, applicationTables, quoteIdent, tableColumns } from "@/lib/database/catalog";
import type { Database } from "@/lib/database/connect";
import type { SqlSession } from "@/lib/database/migrate";

/** Rows fetched from the database per round trip. */
export const EXPORT_BATCH_ROWS = 1_000;

export interface ExportOptions {
  database: Database;
  /** Where to write; must not exist yet. A name ending in `.gz` is gzip-compressed. */
  file: string;
  /** Copy this folder's local secret files ({@link LOCAL_SECRET_FILES}) into the backup. */
  localSecretsDir?: string;
  batchRows?: number;
  now?: () => Date;
}

export interface ExportResult {
  file: string;
  migrations: string[];
  rows: Record<string, number>;
  /** Key ids the endpoint secrets are encrypted under: the importing side needs these keys. */
  encryptionKeyIds: string[];
  /** Local secret files copied into the backup. */
  localFiles: LocalSecretFile[];
  /** Tables present in the database but not carried (see {@link SKIPPED_TABLES}). */
  skipped: string[];
}

interface LineWriter {
  write(line: string): Promise<void>;
  /** SHA-256 (hex) of everything written so far. */
  digest(): string;
  close(): Promise<void>;
}

/** Writes lines to a new file (mode 0600: it holds password and API key hashes), gzipped when asked, waiting when the disk is slower. */
function createLineWriter(file: string, gzip: boolean): LineWriter {
  const out = createWriteStream(file, { flags: "wx", mode: 0o600 });
  const sink: Writable = gzip ? createGzip() : out;
  if (gzip) sink.pipe(out);
  let failure: Error | undefined;
  out.on("error", (error) => (failure ??= error));
  sink.on("error", (error) => (failure ??= error));
  const hash = createHash("sha256");
  return {
    async write(line) {
      if (failure) throw failure;
      const data = `${line}\n`;
      hash.update(data);
      if (!sink.write(data)) await once(sink, "drain");
    },
    digest: () => hash.copy().digest("hex"),
    async close() {
      sink.end();
      await finished(out);
      if (failure) throw failure;
    },
  };
}

function readLocalSecrets(dir: string): Partial<Record<LocalSecretFile, string>> {
  const files: Partial<Record<LocalSecretFile, string>> = {};
  for (const name of LOCAL_SECRET_FILES) {
    const file = path.join(dir, name);
    if (existsSync(file)) files[name] = readFileSync(file, "utf8");
  }
  return files;
}

async function encryptionKeyIds(session: SqlSession, tables: string[]): Promise<string[]> {
  if (!tables.includes("WebhookEndpoint")) return [];
  // Stored secrets read `v1.<keyId>.<sealed>`; only the key id is looked at.
  const rows = await session.query<{ id: string }>(
    `SELECT DISTINCT split_part(stored, '.', 2) AS id FROM (
       SELECT "secretEncrypted" AS stored FROM "WebhookEndpoint"
       UNION ALL SELECT "previousSecretEncrypted" FROM "WebhookEndpoint" WHERE "previousSecretEncrypted" IS NOT NULL
       UNION ALL SELECT "headersEncrypted" FROM "WebhookEndpoint" WHERE "headersEncrypted" IS NOT NULL
     ) AS secrets ORDER BY 1`,
  );
  return rows.map((row) => row.id);
}

/**
 * Writes every carried table of `database` to one backup file (format: see
 * `backup-format.ts`), from one consistent snapshot (a read-only REPEATABLE READ
 * transaction, so PostgreSQL may keep serving meanwhile), streaming
 * {@link EXPORT_BATCH_ROWS} rows at a time. Endpoint secrets are written as
 * stored, encrypted; nothing is decrypted. The file appears under its name only
 * when complete. Throws {@link BackupError} `file_exists`, `nothing_to_export`
 * (no migrations applied) or `invalid_arguments`; a table that is neither carried
 * nor skipped is a programming error and fails the export.
 */
export async function exportDatabase(options: ExportOptions): Promise<ExportResult> {
  const file = options.file;
  const batchRows = options.batchRows ?? EXPORT_BATCH_ROWS;
  if (existsSync(file)) throw new BackupError("file_exists", `${file} already exists; choose another name (a backup never overwrites a file)`);
  const folder = path.dirname(path.resolve(file));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new BackupError("invalid_arguments", `folder ${path.dirname(file)} does not exist`);
  const localFiles = options.localSecretsDir === undefined ? undefined : readLocalSecrets(options.localSecretsDir);
  const partial = `${file}.${process.pid}.partial`;

  return options.database.withSession(async (session) => {
    await session.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    let writer: LineWriter | undefined;
    try {
      const migrations = await appliedMigrationNames(session);
      if (!migrations || migrations.length === 0) {
        throw new BackupError("nothing_to_export", "the database has no migrations applied: there is nothing to export");
      }
      const present = await applicationTables(session);
      const known = new Set([...CARRIED_TABLES.map((entry) => entry.table), ...Object.keys(SKIPPED_TABLES)]);
      const unknown = present.filter((table) => !known.has(table));
      if (unknown.length > 0) {
        throw new Error(`table(s) ${unknown.join(", ")} are neither carried nor skipped by backups: list them in lib/database/backup-format.ts`);
      }
      const carried = CARRIED_TABLES.filter((entry) => present.includes(entry.table));
      const tables = [];
      for (const entry of carried) tables.push({ name: entry.table, columns: await tableColumns(session, entry.table) });
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_FORMAT_VERSION,
        createdAt: (options.now?.() ?? new Date()).toISOString(),
        source: options.database.mode,
        migrations,
        tables,
        skipped: Object.fromEntries(Object.entries(SKIPPED_TABLES).filter(([table]) => present.includes(table))),
        encryptionKeyIds: await encryptionKeyIds(session, present),
        ...(localFiles ? { localFiles } : {}),
      };

      writer = createLineWriter(partial, file.endsWith(".gz"));
      await writer.write(JSON.stringify(header));
      const rows: Record<string, number> = {};
      for (const [index, table] of tables.entries()) {
        const key = carried[index]!.key;
        const prefix = rowLinePrefix(table.name);
        const columns = table.columns.map((column) => quoteIdent(column.name)).join(", ");
        let count = 0;
        // row_to_json is PostgreSQL's own text for the row; it goes into the file unparsed.
        await session.exec(
          `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(picked)::text AS json FROM (SELECT ${columns} FROM public.${quoteIdent(table.name)} ORDER BY ${quoteIdent(key)}) AS picked`,
        );
        for (;;) {
          const batch = await session.query<{ json: string }>(`FETCH ${batchRows} FROM backup_rows`);
          for (const { json } of batch) {
            if (json.includes("\n")) throw new Error(`a ${table.name} row was rendered over several lines`);
            await writer.write(`${prefix}${json}}`);
          }
          count += batch.length;
          if (batch.length < batchRows) break;
        }
        rows[table.name] = count;
        await session.exec("CLOSE backup_rows");
      }
      await writer.write(JSON.stringify({ end: { rows, sha256: writer.digest() } }));
      await writer.close();
      writer = undefined;
      await session.exec("COMMIT");
      // link() refuses an existing name: a file created meanwhile is never overwritten.
      try {
        linkSync(partial, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new BackupError("file_exists", `${file} appeared while exporting; the backup was not written`);
        throw error;
      }
      unlinkSync(partial);
      return {
        file,
        migrations,
        rows,
        encryptionKeyIds: header.encryptionKeyIds,
        localFiles: Object.keys(localFiles ?? {}) as LocalSecretFile[],
        skipped: Object.keys(header.skipped),
      };
    } catch (error) {
      await session.exec("ROLLBACK").catch(() => {});
      await writer?.close().catch(() => {});
      rmSync(partial, { force: true });
      throw error;
    }
  });
}
