import { orgPath } from "@/app/_components/org-paths";
import type { OrgRole } from "@/lib/auth/server";
import { prisma as sharedPrisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { alertMail } from "@/lib/mail/templates";
import { sendMail } from "@/lib/mail/transport";
import type { AlertKind, AlertView } from "@/lib/webhooks/alerting";
import type { DbClient } from "@/lib/database/db-types";

/** MANAGER_ROLES of lib/auth/server.ts, spelled here so the worker does not load better-auth to send a mail. */
const MANAGER_ROLES: readonly OrgRole[] = ["owner", "admin"];

/** Alerts the organization itself can act on; the others are for whoever runs the servers (ops webhook). */
export const MAILED_ALERT_KINDS: readonly AlertKind[] = ["endpoint_disabled", "failure_rate", "certificate_expiring"];

/**
 * Mails a newly opened alert to the owners and admins of its organization
 * (members only read, so they are not woken). One mail per person; a failed
 * send is logged and does not stop the others. Returns how many were sent.
 */
export async function mailAlertToManagers(alert: AlertView, options: { prisma?: DbClient } = {}): Promise<number> {
  if (!alert.organizationId || !MAILED_ALERT_KINDS.includes(alert.kind)) return 0;
  const db = options.prisma ?? sharedPrisma;
  const organization = await db.organization.findUnique({
    where: { id: alert.organizationId },
    select: { name: true, slug: true, members: { where: { role: { in: [...MANAGER_ROLES] } }, select: { user: { select: { id: true, email: true } } } } },
  });
  if (!organization) return 0;
  const content = alertMail({
    organizationName: organization.name,
    severity: alert.severity,
    message: alert.message,
    url: `${getEnv().appUrl}${orgPath(organization.slug)}`,
  });
  let sent = 0;
  for (const { user } of organization.members) {
    try {
      await sendMail({ to: user.email, ...content });
      sent++;
    } catch (error) {
      logger.error({ alertId: alert.id, userId: user.id, err: { message: (error as Error).message } }, "alert mail could not be sent");
    }
  }
  return sent;
}
