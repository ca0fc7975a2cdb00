import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/webhooks/db-types";

export type AlertKind = "failure_rate" | "backlog_age" | "endpoint_disabled" | "circuit_open" | "secret_undecryptable";

export interface AlertView {
  id: string;
  organizationId: string | null;
  kind: AlertKind;
  subject: string;
  severity: "warning" | "critical";
  message: string;
  openedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

/** Open alerts, newest first: one organization's, or every organization's when omitted (ops). */
export async function listOpenAlerts(options: { organizationId?: string; prisma?: DbClient; limit?: number } = {}): Promise<AlertView[]> {
  const rows = await (options.prisma ?? sharedPrisma).webhookAlert.findMany({
    where: { resolvedAt: null, ...(options.organizationId ? { organizationId: options.organizationId } : {}) },
    orderBy: { openedAt: "desc" },
    take: options.limit ?? 50,
  });
  return rows.map((row) => ({ ...row, kind: row.kind as AlertKind }));
}
