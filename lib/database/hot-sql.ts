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
  /**
   * Commit without waiting for the WAL flush (PostgreSQL `synchronous_commit =
   * off`): for writes whose loss in a database crash is repaired by the engine
   * itself. Attempt records are: a lost one leaves the delivery leased, the
   * lease expires and the delivery is sent again with the same `webhook-id` —
   * at-least-once still holds. Never for events (enqueue) or leases (claim).
   */
  readonly relaxedDurability?: boolean;
}

export function hotStatement(name: string, text: string, options: { relaxedDurability?: boolean } = {}): HotStatement {
  return { name, text, relaxedDurability: options.relaxedDurability };
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
