import type { LookupFunction } from "node:net";
import { prisma as sharedPrisma } from "@/lib/db";
import { type DbClient, sqlTime } from "@/lib/database/db-types";
import { logger } from "@/lib/logger";
import { hostOf, portOf, probeDns, probeTcp, probeTls } from "@/lib/webhooks/diagnose-probe";
import { egressProxy } from "@/lib/webhooks/transport";

/**
 * The daily certificate check: reads the TLS certificate of every active https endpoint about
 * once a day (the same DNS, guard and handshake as Diagnose, nothing sent) and stores its expiry,
 * which the health check turns into a `certificate_expiring` alert for the tenant when it is
 * close. A renewed certificate is seen by the next check and the alert resolves.
 */

/** How old an endpoint's last certificate read may get before the check reads it again. */
export const CERTIFICATE_CHECK_INTERVAL_SECONDS = 24 * 60 * 60;
/** Endpoints read per run (each maintenance tick, every minute, in every worker). */
export const CERTIFICATE_CHECK_BATCH = 25;
/** Handshakes in flight at once. */
const CONCURRENCY = 5;

export interface CertificateCheckOptions {
  prisma?: DbClient;
  now?: () => Date;
  lookup?: LookupFunction;
  ca?: readonly string[];
  limit?: number;
  stepTimeoutMs?: number;
}

/**
 * Claims up to `limit` endpoints due a check (marking them checked now, so other workers skip
 * them), then reads each certificate. Returns how many were claimed and how many certificates
 * were read. Through an egress proxy nothing is checked: the proxy, not this host, reaches receivers.
 */
export async function checkCertificates(options: CertificateCheckOptions = {}): Promise<{ claimed: number; read: number }> {
  if (egressProxy()) return { claimed: 0, read: 0 };
  const db = options.prisma ?? sharedPrisma;
  const now = options.now?.() ?? new Date();
  const due = await db.$queryRawUnsafe<{ id: string; url: string }[]>(
    `UPDATE "WebhookEndpoint" SET "tlsCertificateCheckedAt" = $1::timestamp(3)
      WHERE "id" IN (
        SELECT "id" FROM "WebhookEndpoint"
         WHERE "status" = 'active' AND "url" LIKE 'https://%'
           AND ("tlsCertificateCheckedAt" IS NULL OR "tlsCertificateCheckedAt" <= $2::timestamp(3))
         ORDER BY "tlsCertificateCheckedAt" ASC NULLS FIRST
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING "id", "url"`,
    sqlTime(now),
    sqlTime(new Date(now.getTime() - CERTIFICATE_CHECK_INTERVAL_SECONDS * 1000)),
    options.limit ?? CERTIFICATE_CHECK_BATCH,
  );
  let read = 0;
  const queue = [...due];
  const probeOptions = { lookup: options.lookup, ca: options.ca, timeoutMs: options.stepTimeoutMs, now: () => now };
  const work = async () => {
    for (let endpoint = queue.shift(); endpoint; endpoint = queue.shift()) {
      const expiresAt = await readCertificateExpiry(endpoint.url, probeOptions).catch(() => null);
      if (!expiresAt) continue;
      read++;
      // Only if the URL is still the one that was read.
      await db.webhookEndpoint.updateMany({ where: { id: endpoint.id, url: endpoint.url }, data: { tlsCertificateExpiresAt: expiresAt } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, work));
  if (due.length) logger.info({ claimed: due.length, read }, "certificate check ran");
  return { claimed: due.length, read };
}

/** The certificate's notAfter, or null when no certificate could be read (no address allowed, no connection). */
async function readCertificateExpiry(rawUrl: string, options: Parameters<typeof probeDns>[1]): Promise<Date | null> {
  const url = new URL(rawUrl);
  const dns = await probeDns(hostOf(url), options);
  if (!dns.ok) return null;
  const [first] = dns.addresses;
  if (!first) return null;
  const { socket } = await probeTcp(first.address, portOf(url), options);
  if (!socket) return null;
  const tls = await probeTls(socket, hostOf(url), options);
  return tls.certificate?.validTo ?? null;
}
