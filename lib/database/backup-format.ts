import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

/**
 * The backup file written by `npm run db:export` and read by `npm run db:import`:
 * JSON Lines (UTF-8, "\n" after every line), gzip-compressed when the name ends in `.gz`.
 *
 *   line 1     {"format":"webhook-platform-backup","version":1, …header}   see {@link BackupHeader}
 *   rows       {"t":"<table>","r":{<column>: <value>, …}}                    tables in load order
 *   last line  {"end":{"rows":{"<table>":<count>, …},"sha256":"<hex>"}}
 *
 * Row objects are PostgreSQL's own `row_to_json` text, copied into the file and
 * back into `json_populate_recordset` without being parsed and re-serialised in
 * between, so text (event bodies above all), timestamps, arrays and JSON columns
 * arrive exactly as stored. `sha256` covers every byte before the last line: a
 * file that was cut short or changed is refused as a whole.
 */

export const BACKUP_FORMAT = "webhook-platform-backup";
export const BACKUP_FORMAT_VERSION = 1;

/**
 * The tables a backup carries, parents before children (the order rows are
 * loaded in, so every foreign key is satisfied), each with the column its rows
 * are ordered by.
 */
export const CARRIED_TABLES: readonly { table: string; key: string }[] = [
  { table: "Organization", key: "id" },
  { table: "User", key: "id" },
  { table: "Account", key: "id" },
  // Two-factor secrets and recovery codes, encrypted by better-auth with the auth secret (BETTER_AUTH_SECRET or DATA_DIR/auth-secret).
  { table: "TwoFactor", key: "id" },
  { table: "Member", key: "id" },
  { table: "Invitation", key: "id" },
  { table: "ApiKey", key: "id" },
  { table: "WebhookEndpoint", key: "id" },
  { table: "WebhookEvent", key: "id" },
  { table: "WebhookDelivery", key: "id" },
  { table: "WebhookAttempt", key: "id" },
  { table: "WebhookCircuit", key: "key" },
  { table: "WebhookAlert", key: "id" },
  { table: "AuditLogEntry", key: "id" },
  // The development request inspector: endpoints point at an inbox's token, so both move together.
  { table: "DevInbox", key: "id" },
  { table: "DevInboxRequest", key: "id" },
];

/**
 * Tables left out on purpose. A table in neither list makes the export fail, so a
 * new table cannot be dropped from backups unnoticed.
 */
export const SKIPPED_TABLES: Readonly<Record<string, string>> = {
  Session: "sign-in sessions are short-lived credentials; people sign in again after an import",
  Verification: "short-lived verification tokens",
  WorkerHeartbeat: "live state of running worker processes, rewritten by each worker as it runs",
  ScheduledJob: "when periodic jobs last ran; they run again after an import",
  AuthRateLimit: "short-lived sign-in rate-limit counters",
  RateLimitBudget: "short-lived API rate-limit windows",
  WebhookRateLimit: "when each rate-limited endpoint's next attempt may start; the next attempt sets it again",
  SignInThrottle: "short-lived failed sign-in counters",
  ListenResult: "a listen CLI's answers in transit between web processes, kept for seconds",
};

/**
 * Files under DATA_DIR that `--include-local-secrets` copies into a backup. Only
 * `encryption-key` is needed to read the data (it decrypts endpoint secrets when
 * WEBHOOK_ENCRYPTION_KEYS is unset); `auth-secret` signs session cookies and
 * `demo-credentials` remembers the demo owner's password.
 */
export const LOCAL_SECRET_FILES = ["encryption-key", "auth-secret", "demo-credentials"] as const;
export type LocalSecretFile = (typeof LOCAL_SECRET_FILES)[number];

export interface BackupColumn {
  name: string;
  /** PostgreSQL's `format_type`, e.g. `text`, `timestamp(3) without time zone`, `"DeliveryStatus"`. */
  type: string;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_FORMAT_VERSION;
  createdAt: string;
  source: "embedded" | "postgres";
  /** Names of the applied migrations, in order: the schema version of the data. */
  migrations: string[];
  /** The carried tables in load order, with their columns. */
  tables: { name: string; columns: BackupColumn[] }[];
  /** Tables deliberately left out, with the reason. */
  skipped: Record<string, string>;
  /** Key ids the endpoint secrets are encrypted under (no key material). */
  encryptionKeyIds: string[];
  /** Only with `--include-local-secrets`: the content of DATA_DIR's local secret files. */
  localFiles?: Partial<Record<LocalSecretFile, string>>;
}

export type BackupErrorCode =
  | "invalid_arguments"
  | "file_not_found"
  | "file_exists"
  | "not_a_backup"
  | "unsupported_version"
  | "damaged"
  | "schema_mismatch"
  | "not_empty"
  | "nothing_to_export"
  | "encryption_key_mismatch"
  | "local_file_conflict";

/** Everything db:export / db:import refuse; `message` is one line for the command line. */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BackupError";
  }
}

/** The opening of a row line for `table`; the row's JSON follows it and one `}` closes the line. */
export function rowLinePrefix(table: string): string {
  return `{"t":${JSON.stringify(table)},"r":`;
}

export type BackupItem =
  | { kind: "header"; header: BackupHeader }
  /** `json` is the row exactly as it stands in the file; `row` is it parsed. */
  | { kind: "row"; table: string; json: string; row: Record<string, unknown> };

export interface BackupTotals {
  rows: Record<string, number>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** The file's lines as raw bytes, split on "\n" only; `terminated` is false for a last line with no "\n". */
async function* splitLines(stream: Readable): AsyncGenerator<{ bytes: Buffer; terminated: boolean }> {
  let pending: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline === -1) {
        if (start < chunk.length) pending.push(chunk.subarray(start));
        break;
      }
      pending.push(chunk.subarray(start, newline));
      yield { bytes: pending.length === 1 ? pending[0]! : Buffer.concat(pending), terminated: true };
      pending = [];
      start = newline + 1;
    }
  }
  if (pending.length > 0) yield { bytes: Buffer.concat(pending), terminated: false };
}

function damaged(file: string, problem: string): BackupError {
  return new BackupError("damaged", `${file} is damaged: ${problem}; nothing was imported`);
}

function parseHeader(file: string, text: string): BackupHeader {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const header = value as Partial<BackupHeader> | undefined;
  if (!header || typeof header !== "object" || header.format !== BACKUP_FORMAT) {
    throw new BackupError("not_a_backup", `${file} is not a backup made by npm run db:export (its first line is not a ${BACKUP_FORMAT} header)`);
  }
  if (header.version !== BACKUP_FORMAT_VERSION) {
    throw new BackupError("unsupported_version", `${file} is a version ${String(header.version)} backup; this release reads version ${BACKUP_FORMAT_VERSION}`);
  }
  const wellFormed =
    Array.isArray(header.migrations) &&
    header.migrations.every((name) => typeof name === "string") &&
    Array.isArray(header.tables) &&
    header.tables.every((table) => typeof table?.name === "string" && Array.isArray(table.columns)) &&
    Array.isArray(header.encryptionKeyIds) &&
    (header.source === "embedded" || header.source === "postgres");
  if (!wellFormed) throw damaged(file, "its header is incomplete");
  return header as BackupHeader;
}

/**
 * Reads a backup from start to end: the header first, then every row, and only
 * after the last row checks the closing line (row counts and SHA-256). Any
 * problem — not a backup, another format version, bad JSON, an unknown table,
 * rows out of order, a missing or wrong closing line, a broken gzip stream —
 * throws a {@link BackupError}; a caller loading rows as they come must therefore
 * do so inside a transaction it rolls back on error.
 */
export async function* readBackup(file: string): AsyncGenerator<BackupItem, BackupTotals> {
  let gzip: boolean;
  try {
    gzip = await isGzip(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new BackupError("file_not_found", `${file} does not exist`);
    if (code === "EISDIR") throw new BackupError("file_not_found", `${file} is a folder, not a backup file`);
    throw error;
  }
  const raw = createReadStream(file);
  const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on("error", (error) => stream.destroy(error));

  const hash = createHash("sha256");
  let header: BackupHeader | undefined;
  const tableIndex = new Map<string, { index: number; columns: Set<string> }>();
  const counts: Record<string, number> = {};
  let current = -1;
  let lineNumber = 0;
  let end: { rows?: unknown; sha256?: unknown } | undefined;

  try {
    for await (const { bytes, terminated } of splitLines(stream)) {
      lineNumber += 1;
      const text = bytes.toString("utf8");
      if (end !== undefined) throw damaged(file, `line ${lineNumber} follows the closing line`);
      if (!header) {
        if (!terminated && text.startsWith(`{"format":${JSON.stringify(BACKUP_FORMAT)}`)) throw damaged(file, "it ends inside its first line (truncated)");
        header = parseHeader(file, text);
        for (const [index, table] of header.tables.entries()) {
          tableIndex.set(table.name, { index, columns: new Set(table.columns.map((column) => column.name)) });
          counts[table.name] = 0;
        }
        if (!terminated) throw damaged(file, "it ends after its first line (truncated)");
        hash.update(bytes).update("\n");
        yield { kind: "header", header };
        continue;
      }
      if (!terminated) throw damaged(file, `line ${lineNumber} is cut off (truncated)`);
      let parsed: { t?: unknown; r?: unknown; end?: { rows?: unknown; sha256?: unknown } };
      try {
        parsed = JSON.parse(text);
      } catch {
        throw damaged(file, `line ${lineNumber} is not valid JSON`);
      }
      if (parsed && typeof parsed === "object" && "end" in parsed && parsed.end && typeof parsed.end === "object") {
        end = parsed.end;
        continue;
      }
      const table = typeof parsed?.t === "string" ? tableIndex.get(parsed.t) : undefined;
      const row = parsed?.r;
      if (!table || !row || typeof row !== "object" || Array.isArray(row)) {
        throw damaged(file, `line ${lineNumber} is not a row of a table the header lists`);
      }
      const name = parsed.t as string;
      if (table.index < current) throw damaged(file, `line ${lineNumber}: rows of ${name} after rows of a later table`);
      current = table.index;
      const prefix = rowLinePrefix(name);
      if (!text.startsWith(prefix) || !text.endsWith("}")) throw damaged(file, `line ${lineNumber} is not laid out as a row line`);
      const keys = Object.keys(row);
      if (keys.length !== table.columns.size || !keys.every((key) => table.columns.has(key))) {
        throw damaged(file, `line ${lineNumber}: the row's columns are not ${name}'s columns`);
      }
      hash.update(bytes).update("\n");
      counts[name] = (counts[name] ?? 0) + 1;
      yield { kind: "row", table: name, json: text.slice(prefix.length, -1), row: row as Record<string, unknown> };
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code.startsWith("Z_")) throw damaged(file, `its gzip stream is broken (${(error as Error).message})`);
    throw error;
  } finally {
    stream.destroy();
    raw.destroy();
  }

  if (!header) throw new BackupError("not_a_backup", `${file} is empty`);
  if (!end) throw damaged(file, "its closing line is missing (truncated)");
  const expected = end.rows as Record<string, unknown> | undefined;
  const countsMatch =
    !!expected && typeof expected === "object" &&
    Object.keys(expected).length === Object.keys(counts).length &&
    Object.entries(counts).every(([table, count]) => expected[table] === count);
  if (!countsMatch) throw damaged(file, "its row counts do not match its closing line");
  if (end.sha256 !== hash.digest("hex")) throw damaged(file, "its SHA-256 does not match its closing line (changed after export)");
  return { rows: counts };
}

/**
 * Reads a whole backup with {@link readBackup}, handing each item to `onItem` in
 * order (awaited); resolves to the totals once the closing line checked out.
 */
export async function scanBackup(file: string, onItem: (item: BackupItem) => Promise<void> | void): Promise<BackupTotals> {
  const reader = readBackup(file);
  try {
    for (;;) {
      const next = await reader.next();
      if (next.done) return next.value;
      await onItem(next.value);
    }
  } finally {
    await reader.return(undefined as never).catch(() => {});
  }
}
