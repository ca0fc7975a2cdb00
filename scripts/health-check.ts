import { closeDatabase, getDatabase } from "@/lib/db";
import { checkWebhookHealth } from "@/lib/webhooks/alerting";
import { closeTransport } from "@/lib/webhooks/transport";
import { runCli } from "./cli";

/** `npm run health-check`: evaluate alerts now (still one run at a time across processes). */
runCli(async () => {
  await getDatabase().migrate();
  const result = await checkWebhookHealth({ force: true });
  await closeTransport();
  await closeDatabase();
  if (!result.ran) {
    console.log("Another health check is running; nothing done.");
    return;
  }
  console.log(`Health check: ${result.opened.length} alert(s) opened, ${result.resolved.length} resolved, ${result.stillOpen} still open.`);
  for (const alert of result.opened) console.log(`  opened [${alert.severity}] ${alert.kind}: ${alert.message}`);
  for (const alert of result.resolved) console.log(`  resolved ${alert.kind}: ${alert.message}`);
});
