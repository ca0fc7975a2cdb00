import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";
import { decryptSecret, encryptSecret, getKeyRing, type KeyRing, needsReencryption } from "@/lib/webhooks/secrets";

/**
 * Re-encrypts every endpoint secret (current and previous) that is not under
 * the key ring's primary key. Run after putting a new key first in
 * WEBHOOK_ENCRYPTION_KEYS; once it reports 0 remaining, the old key can go.
 * Each endpoint is updated only if its ciphertext did not change meanwhile.
 */
export async function reencryptSecrets(options: { prisma?: DbClient; ring?: KeyRing; batchSize?: number } = {}): Promise<{ updated: number; scanned: number }> {
  const db = options.prisma ?? sharedPrisma;
  const ring = options.ring ?? getKeyRing();
  const batchSize = options.batchSize ?? 500;
  let cursor: string | undefined;
  let updated = 0;
  let scanned = 0;
  for (;;) {
    const rows = await db.webhookEndpoint.findMany({
      where: cursor ? { id: { gt: cursor } } : {},
      orderBy: { id: "asc" },
      take: batchSize,
      select: { id: true, secretEncrypted: true, previousSecretEncrypted: true },
    });
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]!.id;
    scanned += rows.length;
    for (const row of rows) {
      const current = needsReencryption(row.secretEncrypted, ring);
      const previous = row.previousSecretEncrypted !== null && needsReencryption(row.previousSecretEncrypted, ring);
      if (!current && !previous) continue;
      const { count } = await db.webhookEndpoint.updateMany({
        where: { id: row.id, secretEncrypted: row.secretEncrypted, previousSecretEncrypted: row.previousSecretEncrypted },
        data: {
          secretEncrypted: current ? encryptSecret(decryptSecret(row.secretEncrypted, row.id, ring), row.id, ring) : undefined,
          previousSecretEncrypted:
            previous && row.previousSecretEncrypted ? encryptSecret(decryptSecret(row.previousSecretEncrypted, row.id, ring), row.id, ring) : undefined,
        },
      });
      updated += count;
    }
  }
  return { updated, scanned };
}
