/**
 * `npm run bench:http`: the HTTP front door under load, measured with autocannon against the
 * production server started through `npm start`'s entry point, scripts/start.ts (build if needed, migrate, serve, delivery
 * worker in-process), once on the embedded database and once on PostgreSQL (a scratch database
 * created from DATABASE_URL and dropped afterwards; skipped when DATABASE_URL is unset).
 *
 * Targets, each after a short warm-up:
 * - `live`: GET /api/health/live, no database — the framework's ceiling on this machine;
 * - `health`: GET /api/health, one query;
 * - `ingest`: POST /api/v1/events with an API key, a fresh idempotencyKey per request, while the
 *   in-process worker delivers every event to a loopback receiver;
 * - `replay`: POST /api/v1/events repeating an idempotencyKey stored by the setup (200, duplicate):
 *   the read an API key can do (the history API takes a signed-in member, not an API key);
 * - `drain`: a burst of ingests first, then `ingest` again while the worker drains that backlog.
 *
 * Options: --duration <s> (10), --connections <n> (32), --warmup <s> (2), --only embedded|postgres,
 * --targets live,health,ingest,replay,drain, --seed <events stored by the setup> (1000),
 * --burst <events sent before the drain target> (500), --cpu-prof <folder> (run the server under
 * `node --cpu-prof`, writing one .cpuprofile per mode there). Writes bench-results/bench-http.json.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { scratchPostgres } from "./scratch-database";

const root = path.resolve(__dirname, "../..");

export const HTTP_BENCH_TARGETS = ["live", "health", "ingest", "replay", "history", "drain"] as const;
export type HttpBenchTarget = (typeof HTTP_BENCH_TARGETS)[number];
export type HttpBenchMode = "embedded" | "postgres";

export interface HttpBenchOptions {
  /** Seconds measured per target. */
  durationSeconds?: number;
  connections?: number;
  /** Seconds of load before each measured run, not recorded. */
  warmupSeconds?: number;
  modes?: HttpBenchMode[];
  targets?: HttpBenchTarget[];
  /** Events (with delivered deliveries) stored before the server starts. */
  seedEvents?: number;
  /** Events sent just before the `drain` target, leaving the worker a backlog. */
  burstEvents?: number;
  /** PostgreSQL server to create the scratch database on; default DATABASE_URL. */
  databaseUrl?: string;
  /** Run the server under `node --cpu-prof`, writing profiles into this folder. */
  cpuProfileDir?: string;
  /** Where bench-http.json goes; default bench-results/. */
  outputDir?: string;
}

export interface TargetResult {
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  requests: number;
  non2xx: number;
}

export type ModeResult = Partial<Record<HttpBenchTarget, TargetResult>> & { burst?: TargetResult };

export interface HttpBenchResult {
  embedded?: ModeResult;
  postgres?: ModeResult;
  /** PostgreSQL ingest ÷ PostgreSQL live route, requests per second. */
  ingestToRoute?: number;
  /** Embedded ingest ÷ PostgreSQL ingest, requests per second. */
  embeddedIngestToPostgres?: number;
  /** PostgreSQL ingest p99 ÷ p50. */
  ingestP99ToP50?: number;
}

const EVENT_TYPE = "bench.http";
const REQUEST_TIMEOUT_SECONDS = 30;
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? Math.round((a / b) * 100) / 100 : undefined);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The loopback receiver in its own process, so it never shares an event loop with the server. */
async function startReceiver(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "receiver.ts")], {
    env: { ...process.env, LATENCY_MS: "0", KEEP_ARRIVALS: "false" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).listening));
    child.once("exit", () => reject(new Error("receiver exited")));
  });
  return { url: `http://127.0.0.1:${port}/hook`, stop: () => child.kill("SIGTERM") };
}


/**
 * The environment of one mode, for the setup (this process) and the server alike. The server is
 * the production build (`next build`, NODE_ENV=production) in the development run mode: the
 * production run mode accepts only https receivers, and the receiver here is plain loopback http.
 */
function modeEnv(mode: HttpBenchMode, databaseUrl: string | undefined, dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    APP_ENV: "development",
    PORT: String(port),
    DATA_DIR: dataDir,
    WEBHOOK_ALLOW_PRIVATE_NETWORK: "true",
    LOG_LEVEL: "warn",
    RATE_LIMIT_INGEST_PER_KEY: "off",
    RATE_LIMIT_INGEST_PER_ORGANIZATION: "off",
    SEED_DEMO: "false",
  };
  if (mode === "postgres") env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

/**
 * Organization, API key and one endpoint subscribed to the bench's event type, plus `seedEvents`
 * stored events whose deliveries are marked delivered (a table that is not empty, and keys to
 * replay). Runs in this process before the server starts: the embedded database admits one process.
 */
async function setUp(env: NodeJS.ProcessEnv, receiverUrl: string, seedEvents: number): Promise<{ apiKey: string; seededKeys: number; organizationId: string; member: { email: string; password: string } }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  if (!env.DATABASE_URL) delete process.env.DATABASE_URL;
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  const { getDatabase, closeDatabase, prisma } = await import("@/lib/db");
  const { createApiKey } = await import("@/lib/api-keys");
  const { createEndpoint, sendWebhookNotification } = await import("@/lib/webhooks");
  const { newId } = await import("@/lib/ids");
  const { getAuth } = await import("@/lib/auth/server");
  try {
    await getDatabase().migrate();
    const organizationId = newId("org");
    await prisma.organization.create({ data: { id: organizationId, name: "HTTP bench", slug: `http-bench-${organizationId.slice(-6)}` } });
    const { key } = await createApiKey({ organizationId, name: "bench" });
    await createEndpoint({ organizationId, url: receiverUrl, eventTypes: [EVENT_TYPE] });
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < seedEvents) {
          const n = next++;
          await sendWebhookNotification(organizationId, EVENT_TYPE, `seed-${n}`, { n });
        }
      }),
    );
    await prisma.webhookDelivery.updateMany({
      where: { organizationId },
      data: { status: "delivered", attempts: 1, deliveredAt: new Date(), nextAttemptAt: null, lastStatusCode: 200 },
    });
    // A signed-in member reads the history API (it takes sessions, not API keys).
    const member = { email: `bench-${organizationId.slice(-8)}@bench.example`, password: randomBytes(12).toString("base64url") };
    await getAuth().api.signUpEmail({ body: { email: member.email, password: member.password, name: "Bench member" } });
    const user = await prisma.user.update({ where: { email: member.email }, data: { emailVerified: true } });
    await prisma.member.create({ data: { id: newId("mem"), organizationId, userId: user.id, role: "member" } });
    return { apiKey: key, seededKeys: seedEvents, organizationId, member };
  } finally {
    await closeDatabase();
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    resetEnvCache();
  }
}

interface Server {
  stop(): Promise<void>;
}

/** scripts/start.ts (optionally under `node --cpu-prof`) in its own process group; resolves once /api/health answers 200. */
async function startServer(env: NodeJS.ProcessEnv, base: string, cpuProfileDir?: string): Promise<Server> {
  // What `npm start` runs (`tsx scripts/start.ts`), as one process: a SIGTERM reaches the server
  // itself, and its exit code says whether it shut down cleanly.
  const profile = cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", cpuProfileDir] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, "--import", "tsx", "scripts/start.ts"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group has exited already.
    }
  };
  const deadline = Date.now() + 15 * 60_000; // the first start may build the app
  for (;;) {
    if (gone) throw new Error(`the server exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      signal("SIGKILL");
      throw new Error(`the server was not ready in time:\n${output}`);
    }
    const healthy = await fetch(`${base}/api/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    async stop() {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 30_000);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`the server exited with ${code} after SIGTERM:\n${output}`);
    },
  };
}

type Load = Pick<autocannon.Options, "method" | "headers" | "requests" | "body">;

async function load(base: string, pathname: string, spec: Load, options: { connections: number; durationSeconds?: number; amount?: number; warmup?: boolean }): Promise<TargetResult> {
  const result = await autocannon({
    url: `${base}${pathname}`,
    connections: options.connections,
    // A request still unanswered after this long counts as a failure (autocannon's default is 10 s).
    timeout: REQUEST_TIMEOUT_SECONDS,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds }),
    ...spec,
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  // A warm-up may end before the first requests to a route are answered (Next loads its code then).
  if (failures > 0 || (result.requests.total === 0 && !options.warmup)) {
    const codes = JSON.stringify(result.statusCodeStats);
    throw new Error(`${spec.method ?? "GET"} ${pathname}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${result.requests.total} answered (status codes ${codes})`);
  }
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    requests: result.requests.total,
    non2xx: result.non2xx,
  };
}

/** Signs in through the server's own auth endpoint; returns the Cookie header to send. */
async function signIn(base: string, member: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify(member),
  });
  if (!response.ok) throw new Error(`signing in for the history target failed: HTTP ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ");
}

/** Ingest requests, each with an idempotencyKey never sent before. */
function ingestLoad(apiKey: string, prefix: string): Load {
  let n = 0;
  return {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ event: EVENT_TYPE, idempotencyKey: `${prefix}-${n++}`, data: { invoiceId: `inv_${n}`, amount: 4200, currency: "eur" } }),
        }),
      },
    ],
  };
}

/** Ingest requests repeating the keys the setup stored: each answered 200 as a duplicate. */
function replayLoad(apiKey: string, seededKeys: number): Load {
  let n = 0;
  return {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          const key = n++ % seededKeys;
          return { ...request, body: JSON.stringify({ event: EVENT_TYPE, idempotencyKey: `seed-${key}`, data: { n: key } }) };
        },
      },
    ],
  };
}

async function runMode(mode: HttpBenchMode, options: Required<Omit<HttpBenchOptions, "databaseUrl" | "cpuProfileDir" | "outputDir" | "modes">> & HttpBenchOptions): Promise<ModeResult> {
  const scratch = mode === "postgres" ? await scratchPostgres(options.databaseUrl!, "webhooks_bench_http") : undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `bench-http-${mode}-`));
  const receiver = await startReceiver();
  const result: ModeResult = {};
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = modeEnv(mode, scratch?.url, dataDir, port);
    const { apiKey, seededKeys, organizationId, member } = await setUp(env, receiver.url, options.seedEvents);
    const profileDir = options.cpuProfileDir ? path.join(options.cpuProfileDir, mode) : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const server = await startServer(env, base, profileDir);
    try {
      const { connections, durationSeconds, warmupSeconds } = options;
      const measure = async (pathname: string, spec: () => Load) => {
        if (warmupSeconds > 0) await load(base, pathname, spec(), { connections, durationSeconds: warmupSeconds, warmup: true });
        return load(base, pathname, spec(), { connections, durationSeconds });
      };
      let run = 0;
      for (const target of options.targets) {
        if (Object.keys(result).length) console.log(`  ${JSON.stringify(result)}`);
        console.log(`  ${mode}: ${target}`);
        if (target === "live") result.live = await measure("/api/health/live", () => ({ method: "GET" }));
        if (target === "health") result.health = await measure("/api/health", () => ({ method: "GET" }));
        if (target === "ingest") result.ingest = await measure("/api/v1/events", () => ingestLoad(apiKey, `ingest-${run++}`));
        if (target === "replay") result.replay = await measure("/api/v1/events", () => replayLoad(apiKey, seededKeys));
        if (target === "history") {
          const cookie = await signIn(base, member);
          result.history = await measure("/api/webhooks/deliveries?limit=50", () => ({ method: "GET", headers: { cookie, "x-organization-id": organizationId } }));
        }
        if (target === "drain") {
          result.burst = await load(base, "/api/v1/events", ingestLoad(apiKey, "burst"), { connections, amount: options.burstEvents });
          result.drain = await load(base, "/api/v1/events", ingestLoad(apiKey, "drain"), { connections, durationSeconds });
        }
      }
    } finally {
      await server.stop();
    }
  } finally {
    receiver.stop();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

/** Runs the HTTP bench for each mode, writes bench-results/bench-http.json and returns what it wrote. */
export async function runHttpBench(options: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  const modes = (options.modes ?? ["embedded", "postgres"]).filter((mode) => mode === "embedded" || databaseUrl);
  const resolved = {
    durationSeconds: options.durationSeconds ?? 10,
    connections: options.connections ?? 32,
    warmupSeconds: options.warmupSeconds ?? 2,
    targets: options.targets ?? [...HTTP_BENCH_TARGETS],
    seedEvents: options.seedEvents ?? 1000,
    burstEvents: options.burstEvents ?? 500,
    databaseUrl,
    cpuProfileDir: options.cpuProfileDir,
  };
  // One key for the setup and the server: both read the endpoint's encrypted secret.
  process.env.WEBHOOK_ENCRYPTION_KEYS ??= `bench:${randomBytes(32).toString("base64")}`;
  const result: HttpBenchResult = {};
  for (const mode of modes) {
    console.log(`== ${mode} ==`);
    result[mode] = await runMode(mode, resolved);
  }
  result.ingestToRoute = ratio(result.postgres?.ingest?.requestsPerSecond, result.postgres?.live?.requestsPerSecond);
  result.embeddedIngestToPostgres = ratio(result.embedded?.ingest?.requestsPerSecond, result.postgres?.ingest?.requestsPerSecond);
  result.ingestP99ToP50 = ratio(result.postgres?.ingest?.latencyMs.p99, result.postgres?.ingest?.latencyMs.p50);
  const out = options.outputDir ?? path.join(root, "bench-results");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "bench-http.json"), `${JSON.stringify(result, null, 2)}\n`);
  printTable(result);
  return result;
}

function printTable(result: HttpBenchResult) {
  const labels: Record<HttpBenchTarget | "burst", string> = {
    live: "GET /api/health/live",
    health: "GET /api/health",
    ingest: "POST /api/v1/events",
    replay: "POST /api/v1/events (repeat key)",
    history: "GET /api/webhooks/deliveries (member)",
    burst: "POST /api/v1/events (burst)",
    drain: "POST /api/v1/events (worker draining)",
  };
  for (const mode of ["embedded", "postgres"] as const) {
    const rows = result[mode];
    if (!rows) continue;
    console.log(`\n${mode}`);
    console.log(`${"target".padEnd(40)}${"req/s".padStart(8)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"non-2xx".padStart(9)}`);
    for (const [name, row] of Object.entries(rows) as [keyof typeof labels, TargetResult][]) {
      console.log(`${labels[name].padEnd(40)}${String(row.requestsPerSecond).padStart(8)}${String(row.latencyMs.p50).padStart(9)}${String(row.latencyMs.p99).padStart(9)}${String(row.non2xx).padStart(9)}`);
    }
  }
  console.log(`\ningest ÷ live route (PostgreSQL): ${result.ingestToRoute ?? "-"}`);
  console.log(`embedded ingest ÷ PostgreSQL ingest: ${result.embeddedIngestToPostgres ?? "-"}`);
  console.log(`ingest p99 ÷ p50 (PostgreSQL): ${result.ingestP99ToP50 ?? "-"}`);
}

function parseArgs(argv: string[]): HttpBenchOptions {
  const flag = (name: string) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const number = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)));
  const only = flag("--only");
  if (only !== undefined && only !== "embedded" && only !== "postgres") throw new Error("--only takes embedded or postgres");
  const targets = flag("--targets")?.split(",");
  const unknown = targets?.filter((target) => !(HTTP_BENCH_TARGETS as readonly string[]).includes(target));
  if (unknown?.length) throw new Error(`unknown target ${unknown.join(", ")}; choose from ${HTTP_BENCH_TARGETS.join(", ")}`);
  const profile = flag("--cpu-prof");
  return {
    durationSeconds: number("--duration"),
    connections: number("--connections"),
    warmupSeconds: number("--warmup"),
    seedEvents: number("--seed"),
    burstEvents: number("--burst"),
    modes: only ? [only] : undefined,
    targets: targets as HttpBenchTarget[] | undefined,
    cpuProfileDir: profile ? path.resolve(profile) : undefined,
  };
}

if (require.main === module) {
  runHttpBench(parseArgs(process.argv.slice(2))).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
