import { getDatabase, prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";

/**
 * A statement of the delivery hot path (claim, record, enqueue). Its name makes
 * it a prepared statement on PostgreSQL: parsed and planned once per pooled
 * connection instead of on every call.
 */
export interface HotStatement {
  readonly name: string;
  readonly text: string;
}

export function hotStatement(name: string, text: string): HotStatement {
  return { name, text };
}

/**
 * Runs a hot-path statement. On the shared client it goes straight to the
 * database's own driver (PostgreSQL: the `pg` pool, named and prepared — no
 * ORM on the way in or out); inside a caller's interactive transaction or on
 * any other client, the same SQL runs through that client, so it commits or
 * rolls back with the caller's work.
 */
export function runHot<Row>(db: DbClient, statement: HotStatement, params: readonly unknown[]): Promise<Row[]> {
  const database = getDatabase();
  if (db === sharedPrisma || db === database.prisma) return database.hotQuery<Row>(statement, params);
  return db.$queryRawUnsafe<Row[]>(statement.text, ...params);
}
