import http from "node:http";
import path from "node:path";
import next from "next";
import { closeDatabase, getDatabase } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { stampClientAddress } from "@/lib/http/client-address";
import { logger } from "@/lib/logger";
import { mailboxLocation } from "@/lib/mail/mailbox";
import { establishRunMode, isDevelopmentStart } from "@/lib/run-mode";
import { startBanner, type WorkerPlacement } from "@/lib/start-banner";
import { seedDemoData } from "@/lib/seed";
import { seedDemoAdmin } from "@/lib/auth/demo";
import { seedDemoDeliveries } from "@/lib/demo/deliveries";
import { getKeyRing } from "@/lib/webhooks/secrets";
import { startMaintenance } from "@/lib/webhooks/maintenance";
import { stopListenStreams } from "@/lib/webhooks/listen";
import { checkStoredSecretsDecryptable } from "@/lib/webhooks/stored-secrets";
import { startTracing, stopTracing } from "@/lib/webhooks/tracing";
import { startWorker, type WorkerHandle } from "@/lib/webhooks/worker";
import { onStopSignal } from "./cli";

/**
 * How long a stopping server lets requests in flight finish before it closes their
 * connections: inside the 30 s most process managers wait between SIGTERM and SIGKILL.
 */
export const SHUTDOWN_GRACE_MS = 20_000;

export interface ServeOptions {
  /**
   * Called first, with the project folder: makes sure `.next` holds a build of these
   * sources (`npm start` builds when they changed; `npm run start:web` refuses to start).
   */
  prepareBuild(root: string): Promise<void>;
  /**
   * `here`: a delivery worker and the maintenance jobs run in this process; `off`: not
   * (WEBHOOK_EMBEDDED_WORKER=false); `web-only`: never, this process only serves.
   */
  worker: WorkerPlacement;
}

/**
 * The web server `npm start` and `npm run start:web` share: check the keys,
 * prepare the build, migrate (under Prisma Migrate's advisory lock, so processes
 * starting together apply each migration once), seed the demo data when the mode
 * says so, serve the production build on `PORT`, print the start banner. On
 * SIGTERM or SIGINT it stops accepting connections, lets requests in flight
 * finish (up to {@link SHUTDOWN_GRACE_MS}), stops its worker if it has one,
 * closes the database and exits 0. Throws what start-up met (configuration,
 * migrations, a missing build), for `runCli` to print.
 */
export async function serve(options: ServeOptions): Promise<void> {
  // Next.js phones home with usage data unless told not to; a self-hosted product should not.
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  const env = getEnv();
  // Decided by runCli before anything ran; Next changes NODE_ENV later, this stays.
  const decision = establishRunMode();
  // Fails here, with one line, when production has no WEBHOOK_ENCRYPTION_KEYS.
  getKeyRing();
  // Before Next loads: its request spans then carry ours (OTEL_EXPORTER_OTLP_ENDPOINT; off when unset).
  startTracing({ role: options.worker === "here" ? "web+worker" : "web" });
  const root = path.resolve(__dirname, "..");
  await options.prepareBuild(root);

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
  let stopping = false;
  const inFlight = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    // A stopping server answers what it is given, then closes the connection rather than keep it alive.
    if (stopping) res.setHeader("connection", "close");
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
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
  // PostgreSQL it can too, or run in `npm run worker` processes of its own.
  let worker: WorkerHandle | undefined;
  let stopMaintenance: (() => void) | undefined;
  if (options.worker === "here") {
    worker = startWorker();
    stopMaintenance = startMaintenance();
    logger.info({ workerId: worker.workerId }, "delivery worker started");
  }
  const notes: string[] = [
    // The host only: SMTP_URL carries a password.
    env.smtpUrl ? `Mail:       sent through ${new URL(env.smtpUrl).host}` : `Mail:       kept in ${mailboxLocation(env.dataDir)}; read it at ${env.appUrl}/dev/mail`,
  ];
  // Development only: demo events to the app's own request inspector, delivered by a worker.
  if (isDevelopmentStart() && organization) {
    try {
      const demo = await seedDemoDeliveries({ organizationId: organization.id, appUrl: env.appUrl });
      notes.push(`Inspector:  ${env.appUrl}${demo.inbox.inspectorPath} (what the demo endpoints receive)`);
    } catch (error) {
      logger.warn({ err: error }, "demo deliveries were not seeded");
    }
  }
  process.stdout.write(
    startBanner({
      decision,
      env,
      worker: options.worker,
      demo: admin && organization ? { email: admin.email, password: admin.password, organizationName: organization.name } : undefined,
      notes,
    }),
  );

  onStopSignal(async (signal) => {
    stopping = true;
    logger.info({ signal }, "shutting down: finishing the requests in flight");
    stopMaintenance?.();
    for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Listen streams never finish by themselves: end them, so their CLIs reconnect elsewhere.
    await stopListenStreams();
    server.closeIdleConnections();
    // A client that keeps its connection busy past the grace period loses it.
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    await Promise.all([closed, worker?.stop()]);
    // Also writes the API key last-used times seen in the last second; the last spans go too.
    await Promise.all([closeDatabase(), stopTracing()]);
    logger.info("stopped");
  });
}
