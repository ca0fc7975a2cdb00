import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { revealEndpointSecret } from "@/lib/webhooks";
import { encryptedWithKeyId, generateKeyRingEntry, resetKeyRing } from "@/lib/webhooks/secrets";
import { reencryptSecrets } from "@/lib/webhooks/stored-secrets";
import { setupTestDatabase } from "../helpers/database";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";

setupTestDatabase();

const saved = process.env.WEBHOOK_ENCRYPTION_KEYS;
function useKeys(keys: string) {
  process.env.WEBHOOK_ENCRYPTION_KEYS = keys;
  resetEnvCache();
  resetKeyRing();
}
afterAll(() => {
  if (saved === undefined) delete process.env.WEBHOOK_ENCRYPTION_KEYS;
  else process.env.WEBHOOK_ENCRYPTION_KEYS = saved;
  resetEnvCache();
  resetKeyRing();
});

it("moves every secret, current and previous, under the new primary key", async () => {
  const oldKey = generateKeyRingEntry("old");
  const newKey = generateKeyRingEntry("new");
  useKeys(oldKey);
  const org = await makeOrganization();
  const first = await makeEndpoint({ organizationId: org.id, url: "https://example.com/a" });
  const second = await makeEndpoint({ organizationId: org.id, url: "https://example.com/b" });
  const { rotateEndpointSecret } = await import("@/lib/webhooks");
  await rotateEndpointSecret({ organizationId: org.id, endpointId: second.endpoint.id });

  useKeys(`${newKey},${oldKey}`);
  expect(await reencryptSecrets()).toEqual({ updated: 2, scanned: 2 });
  expect(await reencryptSecrets()).toEqual({ updated: 0, scanned: 2 });
  const rows = await prisma.webhookEndpoint.findMany();
  for (const row of rows) {
    expect(encryptedWithKeyId(row.secretEncrypted)).toBe("new");
    if (row.previousSecretEncrypted) expect(encryptedWithKeyId(row.previousSecretEncrypted)).toBe("new");
  }

  useKeys(newKey); // the old key is gone: everything still decrypts
  expect(await revealEndpointSecret({ organizationId: org.id, endpointId: first.endpoint.id })).toBe(first.secret);
});
