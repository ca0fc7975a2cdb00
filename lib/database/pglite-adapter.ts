import { PGlite } from "@electric-sql/pglite";
import { ColumnTypeEnum, DriverAdapterError, type SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

/**
 * pglite-prisma-adapter 0.6 reports every database error as `{kind: "postgres",
 * code}`; Prisma 6.19 only turns its own kinds into `P2002` & co. Without this,
 * a unique violation in embedded mode would surface as an untyped error while
 * the same violation on PostgreSQL is `P2002`. This maps the SQLSTATEs the way
 * `@prisma/adapter-pg` does, so both modes fail the same way. (Hand-written: no
 * published 0.6.x adapter does it, and 0.7 requires Prisma 7.)
 */
type Cause = { kind: string; code?: string; message?: string; detail?: string; column?: string };

function fieldsFrom(detail: string | undefined): string[] | undefined {
  return detail?.match(/Key \(([^)]+)\)/)?.[1]?.split(", ").map((field) => field.replace(/^"|"$/g, ""));
}

export function mapPostgresError(cause: Cause): Record<string, unknown> {
  const fields = fieldsFrom(cause.detail);
  const base = { originalCode: cause.code, originalMessage: cause.message };
  switch (cause.code) {
    case "23505":
      return { ...base, kind: "UniqueConstraintViolation", constraint: fields ? { fields } : undefined };
    case "23502":
      return { ...base, kind: "NullConstraintViolation", constraint: fields ? { fields } : undefined };
    case "23503":
      return { ...base, kind: "ForeignKeyConstraintViolation", constraint: fields ? { fields } : undefined };
    case "22001":
      return { ...base, kind: "LengthMismatch", column: cause.column };
    case "22003":
      return { ...base, kind: "ValueOutOfRange", cause: cause.message };
    case "40001":
      return { ...base, kind: "TransactionWriteConflict" };
    case "42P01":
      return { ...base, kind: "TableDoesNotExist", table: undefined };
    case "42703":
      return { ...base, kind: "ColumnNotFound", column: undefined };
    default:
      return cause;
  }
}

function translate(error: unknown): never {
  if (error instanceof Error && error.name === "DriverAdapterError") {
    const cause = (error as Error & { cause?: Cause }).cause;
    if (cause?.kind === "postgres") {
      throw new DriverAdapterError(mapPostgresError(cause) as ConstructorParameters<typeof DriverAdapterError>[0]);
    }
  }
  throw error;
}

/** Wraps every async method of `target` so rejected calls go through `translate`. */
function translating<T extends object>(target: T, wrapResult: (name: PropertyKey, value: unknown) => unknown = (_, v) => v): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(object, args);
        return result instanceof Promise ? result.then((resolved) => wrapResult(property, resolved), translate) : result;
      };
    },
  });
}

/**
 * pglite-prisma-adapter 0.6 hands `timestamp` values of raw queries to Prisma as bare
 * "2026-11-28 12:00:00.000" strings, which are then read as LOCAL time: with
 * TZ other than UTC every DateTime a raw query read from the embedded database was shifted
 * (lease expiry, secret grace periods, failure streaks). `@prisma/adapter-pg`
 * marks them UTC; this does the same. Columns are `timestamp(3)` holding UTC.
 */
export function utcTimestamps<T>(result: T): T {
  const set = result as { columnTypes?: number[]; rows?: unknown[][] };
  if (!Array.isArray(set?.columnTypes) || !Array.isArray(set.rows)) return result;
  const columns = set.columnTypes.flatMap((type, index) => (type === ColumnTypeEnum.DateTime || type === ColumnTypeEnum.DateTimeArray ? [index] : []));
  for (const row of columns.length ? set.rows : []) for (const index of columns) row[index] = asUtc(row[index]);
  return result;
}

function asUtc(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asUtc);
  return typeof value === "string" && !/(Z|[+-]\d{2}(:?\d{2})?)$/.test(value) ? `${value.replace(" ", "T")}+00:00` : value;
}

/** Translates errors, and marks timestamps UTC on every query result (in transactions too). */
function adapterResult(method: PropertyKey, value: unknown): unknown {
  if (method === "queryRaw") return utcTimestamps(value);
  if (method === "startTransaction") return translating(value as object, adapterResult);
  return value;
}

/**
 * The shadow database of `prisma migrate diff --from-migrations`: the schema
 * engine replays each migration file as one `executeRaw` without parameters,
 * which PGlite runs as a prepared statement and refuses when the file holds more
 * than one command. A parameterless statement runs through `exec` (the simple
 * protocol) instead, as a real server's driver would. The app's own adapter is
 * left as it is: it never sends scripts.
 */
function scriptsAsSimpleQueries<T extends object>(adapter: T): T {
  const client = (adapter as { client?: PGlite }).client;
  const executeRaw = (adapter as { executeRaw?: (query: { sql: string; args: unknown[] }) => Promise<number> }).executeRaw;
  if (!client || !executeRaw) return adapter;
  return Object.assign(adapter, {
    async executeRaw(query: { sql: string; args: unknown[] }): Promise<number> {
      if (query.args.length > 0) return executeRaw.call(adapter, query);
      await client.exec(query.sql);
      return 0;
    },
  });
}

/** A Prisma driver adapter factory for an open PGlite instance. */
export function createPGliteAdapter(client: PGlite): SqlDriverAdapterFactory {
  const factory = new PrismaPGlite(client) as unknown as SqlDriverAdapterFactory;
  return translating(factory, (name, adapter) => {
    if (name === "connect") return translating(adapter as object, adapterResult);
    if (name === "connectToShadowDb") return translating(scriptsAsSimpleQueries(adapter as object), adapterResult);
    return adapter;
  });
}
