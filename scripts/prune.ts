import { closeDatabase, getDatabase } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { runRetentionIfDue } from "@/lib/webhooks/maintenance";
import { runCli } from "./cli";

/** `npm run prune`: delete finished deliveries older than WEBHOOK_RETENTION_DAYS now. */
runCli(async () => {
  await getDatabase().migrate();
  const result = await runRetentionIfDue({ force: true });
  await closeDatabase();
  if (!result.ran) console.log("Another prune is running; nothing done.");
  else console.log(`Pruned ${result.events} event(s) older than ${getEnv().retentionDays} days (with their deliveries and attempts), ${result.alerts} resolved alert(s) and ${result.previousSecrets} rotated-out secret(s) past their grace period.`);
});
