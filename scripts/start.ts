import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import next from "next";
import { ensureBuild } from "@/lib/build-stamp";
import { closeDatabase, getDatabase } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { stampClientAddress } from "@/lib/http/client-address";
import { logger } from "@/lib/logger";
import { mailboxLocation } from "@/lib/mail/mailbox";
import { establishRunMode, isDevelopmentStart } from "@/lib/run-mode";
import { startBanner } from "@/lib/start-banner";
import { seedDemoData } from "@/lib/seed";
import { seedDemoAdmin } from "@/lib/auth/demo";
import { seedDemoDeliveries } from "@/lib/demo/deliveries";
import { getKeyRing } from "@/lib/webhooks/secrets";
import { startMaintenance } from "@/lib/webhooks/maintenance";
import { checkStoredSecretsDecryptable } from "@/lib/webhooks/stored-secrets";
import { startWorker, type WorkerHandle } from "@/lib/webhooks/worker";
import { runCli } from "./cli";

/**
 * `npm start`: validate configuration, build if the sources changed, migrate,
 * seed the demo data, then serve the app from this one process (the embedded
 * database allows exactly one process to open it).
 */
// Next.js phones home with usage data unless told not to; a self-hosted product should not.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

runCli(async () => {
  const env = getEnv();
  // Decided by runCli before anything ran; Next changes NODE_ENV later, this stays.
  const decision = establishRunMode();
  // Fails here, with one line, when production has no WEBHOOK_ENCRYPTION_KEYS.
  getKeyRing();
  const root = path.resolve(__dirname, "..");

  await ensureBuild(root, () => {
    logger.info("building the app (sources changed since the last build)");
    const build = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
  });

  const database = getDatabase();
  const applied = await database.migrate();
  logger.info({ mode: database.mode, applied }, applied.length ? "migrations applied" : "database is up to date");
  await checkStoredSecretsDecryptable();
  // Production starts empty unless asked (SEED_DEMO=true): a known demo account has no place there.
  const demoOrganization = env.seedDemo ? await seedDemoData(database.prisma) : undefined;
  if (demoOrganization) logger.info({ organizationId: demoOrganization.organization.id, created: demoOrganization.created }, "demo organization ready");

  const app = next({ dev: false, dir: root, port: env.port });
  await app.prepare();
  // After prepare(): better-auth's Next.js cookie plugin needs Next's request-storage runtime.
  const organization = demoOrganization?.organization;
  const admin = organization ? await seedDemoAdmin(organization.id) : undefined;
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    // The client's address for sign-in limits, from the peer and TRUSTED_PROXIES; a client-sent value is replaced.
    stampClientAddress(req);
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, resolve);
  });
  logger.info({ port: env.port, database: database.mode, runMode: decision.mode }, `ready on http://localhost:${env.port}`);

  // The embedded database allows one process, so its worker runs here; on
  // PostgreSQL it can too, or be turned off to run `npm run worker` processes.
  let worker: WorkerHandle | undefined;
  let stopMaintenance: (() => void) | undefined;
  if (env.embeddedWorker) {
    worker = startWorker();
    stopMaintenance = startMaintenance();
    logger.info({ workerId: worker.workerId }, "delivery worker started");
  }
  // Development only: demo events to the app's own request inspector, delivered by the worker above.
  const notes: string[] = [
    // The host only: SMTP_URL carries a password.
    env.smtpUrl ? `Mail:       sent through ${new URL(env.smtpUrl).host}` : `Mail:       kept in ${mailboxLocation(env.dataDir)}; read it at ${env.appUrl}/dev/mail`,
  ];
  if (isDevelopmentStart() && organization) {
    try {
      const demo = await seedDemoDeliveries({ organizationId: organization.id, appUrl: env.appUrl });
      notes.push(`Inspector:  ${env.appUrl}${demo.inbox.inspectorPath} (what the demo endpoints receive)`);
    } catch (error) {
      logger.warn({ err: error }, "demo deliveries were not seeded");
    }
  }
  process.stdout.write(
    startBanner({ decision, env, demo: admin && organization ? { email: admin.email, password: admin.password, organizationName: organization.name } : undefined, notes }),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    server.close();
    server.closeIdleConnections();
    stopMaintenance?.();
    Promise.resolve(worker?.stop())
      // Also writes the API key last-used times seen in the last second.
      .then(() => closeDatabase())
      .catch((error: unknown) => logger.error({ err: error }, "closing the database failed"))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
});
