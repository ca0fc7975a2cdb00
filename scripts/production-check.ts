import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { Agent, fetch } from "undici";
import { makeTestCa } from "@/__tests__/helpers/certificates";
import { linkIn, startSmtpServer, type SmtpCatcher } from "@/__tests__/helpers/smtp";
import { appClient } from "./app-client";
import { scratchPostgres } from "./bench/scratch-database";

/**
 * `npm run check:production`: the production layout, end to end, from this checkout.
 *
 * `npm run build` once (nothing to do when `.next` already holds a build of these
 * sources), then on a fresh PostgreSQL database one `npm run start:web` and two
 * `npm run worker` processes in production mode, started together, with every
 * variable production requires (keys generated for the run). In front of the web
 * process a TLS-terminating proxy serves `APP_URL` (https://localhost:<port>), as a
 * load balancer would; receivers and that proxy use certificates of a CA made for
 * the run, which the processes trust through NODE_EXTRA_CA_CERTS. Mail goes to an
 * SMTP server in this process. Over HTTPS it signs up, creates an organization, an
 * API key and an https endpoint on a loopback receiver (WEBHOOK_ALLOWED_PRIVATE_CIDRS
 * opens 127.0.0.0/8), sends events through POST /api/v1/events and checks that every
 * one arrives with valid signatures, that both workers delivered some (their metrics,
 * scraped through the web process, and their own reports as they stop), that the
 * history API lists them delivered, and that SIGTERM stops all three within 30 s.
 *
 * Usage: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run check:production
 * (the server on which a throwaway database is created and dropped; the role needs CREATEDB).
 * Exits 1 naming the failed step, with the last lines of each process's output.
 */

const root = path.resolve(__dirname, "..");
/** Events sent through the ingest API. */
const EVENTS = 20;
/** Attempts in flight per worker: small, with a receiver that takes its time, so that neither worker can take every event. */
const WORKER_CONCURRENCY = 4;
const RECEIVER_DELAY_MS = 150;
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

class CheckFailure extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

const started = Date.now();
const log = (line: string) => process.stdout.write(`  ok: ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);

async function waitUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new CheckFailure(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One `npm run <script>` in a process group of its own (npm, the shell, tsx and node), its output in a file. */
class AppProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined;

  constructor(readonly label: string, readonly script: string, readonly logFile: string, env: Record<string, string | undefined>) {
    const output = openSync(logFile, "w");
    this.child = spawn("npm", ["run", script], { cwd: root, env: env as NodeJS.ProcessEnv, detached: true, stdio: ["ignore", output, output] });
    closeSync(output);
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    void this.exited.then((code) => (this.exitCode = code));
  }

  output(): string {
    return readFileSync(this.logFile, "utf8");
  }

  /** The JSON log lines (pino) of the process, parsed; npm's own lines are skipped. */
  logEntries(): Array<Record<string, unknown>> {
    return this.output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** True while a process of the group runs (an exited one not yet reaped, a zombie, holds nothing). */
  groupAlive(): boolean {
    const table = execFileSync("ps", ["-e", "-o", "pgid=,stat="], { encoding: "utf8" });
    return table.split("\n").some((line) => {
      const [group, state] = line.trim().split(/\s+/);
      return Number(group) === this.child.pid && !state?.startsWith("Z");
    });
  }

  signal(name: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, name);
    } catch {
      // The whole group has exited already.
    }
  }

  /** SIGTERM to the whole group; resolves with how long until none of it was running, or fails after STOP_TIMEOUT_MS. */
  async stop(): Promise<number> {
    const from = Date.now();
    this.signal("SIGTERM");
    await waitUntil(`${this.label} to exit after SIGTERM`, STOP_TIMEOUT_MS, async () => (this.groupAlive() ? undefined : true), 100);
    await this.exited;
    return Date.now() - from;
  }

  tail(lines = 60): string {
    return this.output().split("\n").slice(-lines).join("\n");
  }
}

/** An https server on 127.0.0.1 that keeps what it is sent and answers 200 after a short delay. */
async function startReceiver(tls: { key: string; cert: string }) {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = https.createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end("ok"), RECEIVER_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

/**
 * The TLS-terminating proxy in front of the web process, as in production: it serves https on
 * `APP_URL` and forwards to the web process's plain http port on loopback, adding the client to
 * X-Forwarded-For (the web process lists this proxy in TRUSTED_PROXIES).
 */
async function startFrontDoor(tls: { key: string; cert: string }, upstreamPort: number) {
  const server = https.createServer(tls, (req, res) => {
    const forwardedFor = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, "x-forwarded-for": forwardedFor, "x-forwarded-proto": "https" },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("the web process is not answering");
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `https://localhost:${(server.address() as AddressInfo).port}`, server };
}

/** `webhook_attempts_total{outcome="success"}` per `process` label, from a Prometheus exposition. */
function successfulAttemptsByProcess(exposition: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of exposition.split("\n")) {
    if (!line.startsWith("webhook_attempts_total{") || !line.includes('outcome="success"')) continue;
    const process = /process="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (process) counts.set(process, (counts.get(process) ?? 0) + value);
  }
  return counts;
}

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server || !/^postgres(ql)?:\/\//.test(server)) {
    process.stderr.write("usage: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run check:production (a server where a throwaway database can be created)\n");
    process.exit(2);
  }
  const work = mkdtempSync(path.join(os.tmpdir(), "production-check-"));
  const processes: AppProcess[] = [];
  const disposals: Array<() => Promise<unknown> | unknown> = [() => rmSync(work, { recursive: true, force: true })];
  // One clean-up, whoever asks first (the end of the run or an interrupt); everyone waits for it to finish.
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const app of processes) app.signal("SIGKILL");
      for (const dispose of disposals.reverse()) await Promise.resolve().then(dispose).catch(() => undefined);
    })());
  // Interrupted (Ctrl-C reaches npm, tsx and this process, so the signal may come more than once): clean up, then exit.
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    process.on(name, () => {
      if (!cleaning) process.stderr.write(`production check interrupted (${name}); stopping what it started\n`);
      void cleanup().finally(() => process.exit(1));
    });
  }

  try {
    // 1. The build, once: start:web only ever serves what this made.
    process.stdout.write("==> npm run build (NODE_ENV=production)\n");
    try {
      execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    } catch {
      throw new CheckFailure("npm run build failed (its output is above)");
    }
    log("the production build in .next is of these sources");

    // 2. What production needs: certificates from a CA of the run, a mail server, a receiver, the front door, a database.
    const ca = makeTestCa("Webhooks production check CA");
    disposals.push(() => ca.dispose());
    const caFile = path.join(work, "ca.pem");
    writeFileSync(caFile, ca.cert);
    const now = Date.now();
    const tls = ca.issue({ names: ["localhost", "127.0.0.1"], notBefore: new Date(now - 60_000), notAfter: new Date(now + 24 * 3600_000) });
    const smtp: SmtpCatcher = await startSmtpServer();
    disposals.push(() => smtp.close());
    const receiver = await startReceiver(tls);
    disposals.push(() => {
      receiver.server.closeAllConnections();
      receiver.server.close();
    });
    const webPort = await freePort();
    const frontDoor = await startFrontDoor(tls, webPort);
    disposals.push(() => {
      frontDoor.server.closeAllConnections();
      frontDoor.server.close();
    });
    const database = await scratchPostgres(server, "webhooks_production_check");
    disposals.push(() => database.drop());
    log(`a CA and certificates for the run, an SMTP server, an https receiver, a TLS front door at ${frontDoor.url}, a fresh database`);

    // 3. The variables production requires (one set for every process, as an EnvironmentFile would give them).
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME ?? work,
      APP_ENV: "production",
      DATABASE_URL: database.url,
      APP_URL: frontDoor.url,
      PORT: String(webPort),
      TRUSTED_PROXIES: "127.0.0.1",
      SMTP_URL: smtp.url,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      WEBHOOK_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      WEBHOOK_ALLOWED_PRIVATE_CIDRS: "127.0.0.0/8",
      WEBHOOK_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      METRICS_TOKEN: randomBytes(24).toString("base64url"),
      NODE_EXTRA_CA_CERTS: caFile,
      DATA_DIR: path.join(work, "data"),
      LOG_LEVEL: "info",
      NEXT_TELEMETRY_DISABLED: "1",
    };

    // A web process on the embedded database is refused with one line.
    const embedded = new AppProcess("start:web without DATABASE_URL", "start:web", path.join(work, "refused.log"), { ...env, DATABASE_URL: "" });
    processes.push(embedded);
    check((await embedded.exited) === 1, `start:web without DATABASE_URL exited with ${embedded.exitCode}, not 1:\n${embedded.tail()}`);
    check(embedded.output().includes("npm run start:web needs PostgreSQL"), `start:web without DATABASE_URL did not say why:\n${embedded.tail()}`);
    log("start:web refuses the embedded database with one line");

    // 4. One web process and two workers, started together on the empty database (each migrates, under one lock).
    const web = new AppProcess("web", "start:web", path.join(work, "web.log"), env);
    const workers = [1, 2].map((n) => new AppProcess(`worker ${n}`, "worker", path.join(work, `worker-${n}.log`), env));
    processes.push(web, ...workers);
    // Through the front door, trusting the run's CA, as a browser on APP_URL.
    const dispatcher = new Agent({ connect: { ca: ca.cert } });
    disposals.push(() => dispatcher.close());
    const client = appClient(frontDoor.url, { fetch: (url, init) => fetch(url, { ...init, dispatcher }) });
    try {
      await waitUntil("the web process to answer /api/health through the front door", READY_TIMEOUT_MS, async () => {
        check(web.exitCode === undefined, `start:web exited with ${web.exitCode} before it was ready`);
        const health = await client.call("/api/health").catch(() => undefined);
        return health?.status === 200 ? health : undefined;
      }, 500);
      for (const worker of workers) {
        await waitUntil(`${worker.label} to start`, READY_TIMEOUT_MS, async () => {
          check(worker.exitCode === undefined, `${worker.label} exited with ${worker.exitCode} before it started`);
          return worker.logEntries().some((entry) => entry.msg === "delivery worker started") ? true : undefined;
        }, 500);
      }
      const banner = web.output();
      check(/Mode: +production/.test(banner), "the web process's banner does not say production");
      check(/Worker: +none in this process/.test(banner), "the web process's banner says it runs a worker");
      check(/Demo data: +not seeded/.test(banner), "the web process seeded demo data in production");
      check(!/building the app/.test(banner), "start:web built the app");
      const applied = [web, ...workers].map((app) => app.logEntries().find((entry) => Array.isArray(entry.applied))?.applied as string[] | undefined);
      const migrations = applied.flatMap((names) => names ?? []);
      const expected = readdirSync(path.join(root, "prisma", "migrations"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
      check(
        migrations.length === expected && new Set(migrations).size === expected,
        `the ${expected} migrations were not applied exactly once between the three processes: ${JSON.stringify(applied)}`,
      );
      log(`start:web (production, no worker, no demo data) and two workers are up; ${migrations.length} migrations applied once between them`);

      // 5. An account, an organization, an API key and an endpoint, over https as a browser would.
      const email = `owner-${randomBytes(4).toString("hex")}@example.com`;
      const signUp = await client.call("/api/auth/sign-up/email", { body: { email, password: randomBytes(12).toString("base64url"), name: "Production check" } });
      check(signUp.status === 200, `sign-up answered ${signUp.status}: ${signUp.text.slice(0, 300)}`);
      const cookies = client.keepCookies(signUp);
      check(cookies.some((line) => /^__Secure-[^=]*session_token=/.test(line) && /;\s*secure/i.test(line)), `sign-up set no Secure session cookie: ${cookies.map((line) => line.split("=")[0]).join(", ")}`);
      const mail = await smtp.waitFor((message) => message.to.includes(email), 20_000);
      linkIn(mail, `${frontDoor.url}/`);
      log(`signed up over https (Secure session cookie); the verification mail went through SMTP_URL with a link to APP_URL`);

      const organization = await client.call("/api/auth/organization/create", { body: { name: "Production check", slug: `production-check-${randomBytes(3).toString("hex")}` } });
      check(organization.status === 200 && typeof organization.json?.id === "string", `creating an organization answered ${organization.status}: ${organization.text.slice(0, 300)}`);
      const scoped = { "x-organization-id": organization.json.id as string };
      const apiKey = await client.call("/api/api-keys", { body: { name: "production check" }, headers: scoped });
      check(apiKey.status === 201 && typeof apiKey.json?.key === "string", `creating an API key answered ${apiKey.status}: ${apiKey.text.slice(0, 300)}`);
      const plain = await client.call("/api/webhooks/endpoints", { body: { url: receiver.url.replace("https:", "http:") }, headers: scoped });
      check(plain.status === 422, `an http:// endpoint answered ${plain.status}, not 422: ${plain.text.slice(0, 300)}`);
      const created = await client.call("/api/webhooks/endpoints", { body: { url: receiver.url, description: "production check" }, headers: scoped });
      check(created.status === 201, `creating an https endpoint on ${receiver.url} answered ${created.status}: ${created.text.slice(0, 300)}`);
      const secret = created.json?.secret as string;
      const endpointId = (created.json?.endpoint as { id: string }).id;
      log(`organization ${organization.json.id}, an API key, endpoint ${endpointId} on the loopback https receiver (an http:// one is refused)`);

      // 6. Events through the ingest API, each delivered once, signed.
      const keys = Array.from({ length: EVENTS }, (_, n) => `production-check-${n}`);
      const answers = await Promise.all(
        keys.map((idempotencyKey, n) =>
          client.call("/api/v1/events", {
            body: { event: "invoice.paid", idempotencyKey, data: { invoiceId: `inv_${n}`, amount: 100 + n, currency: "usd" } },
            headers: { authorization: `Bearer ${apiKey.json!.key as string}` },
          }),
        ),
      );
      const refused = answers.filter((answer) => answer.status !== 202);
      check(refused.length === 0, `POST /api/v1/events answered ${refused.map((answer) => `${answer.status} ${answer.text.slice(0, 200)}`).join("; ")}`);
      log(`${EVENTS} events accepted by POST /api/v1/events (202)`);

      const distinct = () => new Set(receiver.received.map((request) => request.headers["webhook-id"])).size;
      await waitUntil(`the receiver to get ${EVENTS} deliveries (has ${distinct()})`, 60_000, async () => (distinct() >= EVENTS ? true : undefined));
      const webhook = new Webhook(secret);
      for (const request of receiver.received) {
        try {
          webhook.verify(request.body, request.headers as Record<string, string>);
        } catch (error) {
          throw new CheckFailure(`a delivery's webhook-signature does not verify: ${(error as Error).message}`);
        }
        const legacy = createHmac("sha256", secret).update(request.body, "utf8").digest();
        const sent = Buffer.from(String(request.headers["x-webhook-signature"] ?? ""), "hex");
        check(sent.length === legacy.length && timingSafeEqual(sent, legacy), "a delivery's x-webhook-signature does not verify");
      }
      const delivered = new Set(receiver.received.map((request) => (JSON.parse(request.body) as { idempotencyKey: string }).idempotencyKey));
      check(keys.every((key) => delivered.has(key)), `the receiver did not get every event: missing ${keys.filter((key) => !delivered.has(key)).join(", ")}`);
      log(`the receiver got all ${EVENTS} over https, both signatures valid on every request`);

      // 7. The history API lists them delivered.
      const history = await waitUntil("the history to list every delivery as delivered", 30_000, async () => {
        const page = await client.call(`/api/webhooks/deliveries?endpointId=${endpointId}&status=delivered&limit=100`, { headers: scoped });
        check(page.status === 200, `GET /api/webhooks/deliveries answered ${page.status}: ${page.text.slice(0, 300)}`);
        return page.json?.count === EVENTS ? page.json : undefined;
      });
      const items = history.items as Array<{ status: string }>;
      check(items.length === EVENTS && items.every((item) => item.status === "delivered"), `the history lists ${items.length} deliveries, not all delivered`);
      log(`GET /api/webhooks/deliveries lists all ${EVENTS} as delivered`);

      // 8. Both workers delivered: their metrics, published through heartbeats, scraped from the web process.
      const byProcess = await waitUntil("both workers' successful attempts in /api/metrics", 30_000, async () => {
        const scrape = await client.call("/api/metrics", { headers: { authorization: `Bearer ${env.METRICS_TOKEN}`, accept: "text/plain" } });
        check(scrape.status === 200, `GET /api/metrics answered ${scrape.status}`);
        const counts = successfulAttemptsByProcess(scrape.text);
        const total = [...counts.values()].reduce((sum, value) => sum + value, 0);
        return counts.size >= 2 && total === EVENTS ? counts : undefined;
      }, 1_000);
      log(`/api/metrics: successful attempts by process ${JSON.stringify(Object.fromEntries(byProcess))}`);

      // 9. SIGTERM to all three groups at once, as systemd or a platform stops a service; each finishes and exits within
      // 30 s. npm itself dies of the signal, so a clean stop is the app's own last line (written just before it exits 0).
      const stopped = await Promise.all([web, ...workers].map(async (app) => ({ app, ms: await app.stop() })));
      check(web.logEntries().some((entry) => entry.msg === "stopped"), `the web process did not report a clean stop:\n${web.tail()}`);
      const attempted = workers.map((worker) => {
        const report = worker.logEntries().find((entry) => entry.msg === "worker stopped") as { stats?: { attempted?: number } } | undefined;
        check(report?.stats, `${worker.label} did not report its work as it stopped`);
        return report.stats.attempted ?? 0;
      });
      check(attempted.every((count) => count > 0), `a worker delivered nothing: attempts ${attempted.join(" and ")}`);
      check(attempted[0]! + attempted[1]! === EVENTS, `the workers made ${attempted.join(" + ")} attempts for ${EVENTS} events`);
      log(`SIGTERM: ${stopped.map(({ app, ms }) => `${app.label} stopped cleanly in ${(ms / 1000).toFixed(1)} s`).join(", ")}; the workers made ${attempted.join(" and ")} attempts`);
    } catch (error) {
      for (const app of [web, ...workers]) process.stderr.write(`\n--- ${app.label} (npm run ${app.script}), last lines:\n${app.tail()}\n`);
      throw error;
    }
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.stdout.write(`production check passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`),
  (error: unknown) => {
    process.stderr.write(`production check failed: ${error instanceof CheckFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
