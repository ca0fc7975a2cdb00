import { closeDatabase, getDatabase } from "@/lib/db";
import { reencryptSecrets } from "@/lib/webhooks/stored-secrets";
import { runCli } from "./cli";

runCli(async () => {
  await getDatabase().migrate();
  const { updated, scanned } = await reencryptSecrets();
  await closeDatabase();
  console.log(`Re-encrypted ${updated} of ${scanned} endpoint(s) under the primary key.`);
});
