import type { SqlSession } from "@/lib/database/migrate";

/** What the database itself says about its schema; used by backups to check what they read and write. */

/** `"name"` as an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Names of the migrations recorded as applied (finished, not rolled back), in order; `undefined` when none were ever applied. */
export async function appliedMigrationNames(session: SqlSession): Promise<string[] | undefined> {
  const [table] = await session.query<{ found: boolean }>(`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS found`);
  if (!table?.found) return undefined;
  const rows = await session.query<{ name: string }>(
    `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  // Sorted here, like readMigrations sorts the folders: the server's collation does not decide the order.
  return rows.map((row) => row.name).sort();
}

/** Tables of the `public` schema, migrations bookkeeping excepted. */
export async function applicationTables(session: SqlSession): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    `SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`,
  );
  return rows.map((row) => row.name);
}

/** A table's stored columns in order, with their types (generated columns excepted: they cannot be written). */
export async function tableColumns(session: SqlSession, table: string): Promise<{ name: string; type: string }[]> {
  return session.query<{ name: string; type: string }>(
    `SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [`public.${quoteIdent(table)}`],
  );
}

/** The application tables that hold at least one row. */
export async function nonEmptyTables(session: SqlSession): Promise<string[]> {
  const tables = await applicationTables(session);
  if (tables.length === 0) return [];
  const rows = await session.query<{ name: string }>(
    tables.map((table) => `SELECT ${quoteLiteral(table)} AS name WHERE EXISTS (SELECT 1 FROM public.${quoteIdent(table)})`).join(" UNION ALL "),
  );
  return rows.map((row) => row.name);
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
