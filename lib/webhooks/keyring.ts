import { getEnv } from "@/lib/env";
import { loadKeyRing, type KeyRing } from "@/lib/webhooks/secrets";

const holder = globalThis as typeof globalThis & { __webhookKeyRing?: KeyRing };

/**
 * The process's encryption key ring: WEBHOOK_ENCRYPTION_KEYS, or in development
 * a local key generated once under DATA_DIR. Production without keys throws a
 * SecretError (the start script turns that into a one-line exit).
 */
export function getKeyRing(): KeyRing {
  if (!holder.__webhookKeyRing) {
    const env = getEnv();
    holder.__webhookKeyRing = loadKeyRing({
      keys: env.webhookEncryptionKeys,
      production: env.runMode === "production",
      dataDir: env.dataDir,
    });
  }
  return holder.__webhookKeyRing;
}

/** Forget the cached ring (tests that change the environment). */
export function resetKeyRing(): void {
  holder.__webhookKeyRing = undefined;
}
