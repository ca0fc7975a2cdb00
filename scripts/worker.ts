import { closeDatabase, getDatabase } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { getKeyRing } from "@/lib/webhooks/secrets";
import { closeTransport } from "@/lib/webhooks/transport";
import { startMaintenance } from "@/lib/webhooks/maintenance";
import { checkStoredSecretsDecryptable } from "@/lib/webhooks/stored-secrets";
import { startTracing, stopTracing } from "@/lib/webhooks/tracing";
import { startWorker } from "@/lib/webhooks/worker";
import { onStopSignal, runCli } from "./cli";

/**
 * `npm run worker`: a delivery worker process. Run as many as you like against
 * PostgreSQL (they share the work through leases). On SIGTERM/SIGINT it stops
 * claiming, finishes the attempts in flight, then exits.
 */
runCli(async () => {
  const env = getEnv();
  getKeyRing();
  if (env.databaseMode === "embedded") {
    logger.warn("the embedded database allows one process: `npm start` already runs a worker; this one holds the database instead");
  }
  const applied = await getDatabase().migrate();
  if (applied.length) logger.info({ applied }, "migrations applied");
  await checkStoredSecretsDecryptable();
  startTracing({ role: "worker" });
  const worker = startWorker();
  // Health check every 15 min and hourly retention, once across all workers.
  const stopMaintenance = startMaintenance();
  logger.info({ workerId: worker.workerId, concurrency: env.workerConcurrency, mode: env.databaseMode, runMode: env.runMode }, "delivery worker started");

  onStopSignal(async (signal) => {
    logger.info({ signal, inFlight: worker.inFlight() }, "stopping: finishing attempts in flight");
    stopMaintenance();
    await worker.stop();
    await Promise.all([closeTransport(), closeDatabase(), stopTracing()]);
    logger.info({ stats: worker.stats(), usage: worker.usage() }, "worker stopped");
  });
});
