import type { Prisma, PrismaClient } from "@/generated/prisma/client";

/** The shared client or an interactive transaction's client. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

/**
 * A Date as a raw-SQL parameter. Columns are `timestamp(3)` holding UTC; an ISO
 * string cast with `::timestamp(3)` keeps that exact value whatever the
 * session's TimeZone setting is.
 */
export function sqlTime(date: Date): string {
  return date.toISOString();
}
