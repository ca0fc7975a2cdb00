import type { PrismaClient } from "@/generated/prisma/client";

export interface HealthReport {
  status: "ok" | "error";
  database: "ok" | "unreachable";
}

/** How long the health check waits for the database before calling it unreachable. */
export const HEALTH_DATABASE_TIMEOUT_MS = 3_000;

/** Runs a real query. Never throws: an unreachable or slow database is reported, not raised. */
export async function checkHealth(prisma: PrismaClient, timeoutMs = HEALTH_DATABASE_TIMEOUT_MS): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("database health check timed out")), timeoutMs);
  });
  try {
    await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
    return { status: "ok", database: "ok" };
  } catch {
    return { status: "error", database: "unreachable" };
  } finally {
    clearTimeout(timer);
  }
}
