/**
 * The receiver examples in examples/receivers/, run as real child processes against real
 * deliveries from the engine: accepted and processed once, tampered and replayed requests
 * refused, duplicates answered 2xx without processing, and the dedupe store surviving a restart.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { promisify } from "node:util";
import { prisma } from "@/lib/db";
import {
  buildWebhookHeaders,
  generateHmacSignature,
  processDueDeliveries,
  rotateEndpointSecret,
  sendWebhookNotification,
  updateEndpoint,
} from "@/lib/webhooks";
import { redeliver } from "@/lib/webhooks/manual";
import { closeTransport, postWebhook } from "@/lib/webhooks/transport";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";

setupTestDatabase();
allowLoopbackDelivery();
afterAll(() => closeTransport());

const EXAMPLES_DIR = path.resolve(__dirname, "../../examples/receivers");
const START_TIMEOUT_MS = 20_000;
const WAIT_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const NPM_INSTALL_TIMEOUT_MS = 240_000;
/** Past the receivers' 5 minute tolerance, with a minute to spare. */
const STALE_SECONDS = 6 * 60;

/**
 * Bytes a receiver must verify as sent: a non-ASCII character, nesting and compact separators,
 * which a re-serialisation (Python's json.dumps, for one) would change.
 */
const DATA = { invoiceId: "inv_123", amount: 4200, customer: "Zoë", lines: [{ sku: "a", qty: 1 }], meta: { b: 1, a: [true, null] } };

interface Example {
  name: string;
  dir: string;
  command: string;
  args: string[];
  /** Why it cannot run here, checked before starting; undefined when it can. */
  missing(): string | undefined;
  prepare?(): Promise<void>;
}

/** The environment for children: none of `npm test`'s npm_* settings (they would point npm at the root project). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.toLowerCase().startsWith("npm_") || key === "NODE_OPTIONS" || key === "INIT_CWD") delete env[key];
  }
  return { ...env, ...extra };
}

const nodeDir = path.join(EXAMPLES_DIR, "node-express");
const nodeExample: Example = {
  name: "node-express",
  dir: nodeDir,
  command: process.execPath,
  args: ["server.js"],
  missing: () => undefined,
  async prepare() {
    // CI starts from a clean clone: install the example's own dependencies once.
    const installed = ["express", "standardwebhooks"].every((name) => fs.existsSync(path.join(nodeDir, "node_modules", name, "package.json")));
    if (installed) return;
    const args = fs.existsSync(path.join(nodeDir, "package-lock.json")) ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"];
    await promisify(execFile)("npm", args, { cwd: nodeDir, env: childEnv(), timeout: NPM_INSTALL_TIMEOUT_MS });
  },
};

// The first Python that can import Flask: the one on PATH, or Debian's (python3-flask).
const python = ["python3", "/usr/bin/python3"].find(
  (candidate) => spawnSync(candidate, ["-c", "import flask"], { stdio: "ignore", timeout: 30_000 }).status === 0,
);
const flaskAvailable = python !== undefined;
const pythonExample: Example = {
  name: "python-flask",
  dir: path.join(EXAMPLES_DIR, "python-flask"),
  command: python ?? "python3",
  args: ["app.py"],
  missing: () => (flaskAvailable ? undefined : "python3 cannot import flask (apt-get install python3-flask)"),
};

interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts an example on port 0 and reads the port from its `{"listening":PORT}` line. */
function startExample(example: Example, env: Record<string, string>): Promise<Running> {
  const child = spawn(example.command, example.args, { cwd: example.dir, env: childEnv({ ...env, PORT: "0", HOST: "127.0.0.1" }), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const lines = readline.createInterface({ input: child.stdout! });
  return new Promise<Running>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${example.name}: ${reason}\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no {"listening":PORT} line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once("error", (error) => fail(`could not start: ${error.message}`));
    child.once("exit", (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
    lines.on("line", (line) => {
      let port: unknown;
      try {
        port = (JSON.parse(line) as { listening?: unknown }).listening;
      } catch {
        return;
      }
      if (typeof port !== "number") return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ child, url: `http://127.0.0.1:${port}/webhooks`, stderr: () => stderr });
    });
  });
}

/** Sends `signal`, then SIGKILL if the child is still there after STOP_TIMEOUT_MS. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
  });
  if (await Promise.race([exited.then(() => false), timedOut])) {
    child.kill("SIGKILL");
    await exited;
  }
  clearTimeout(timer);
}

interface ProcessedLine {
  webhookId: string;
  event: unknown;
}

function readProcessed(file: string): ProcessedLine[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ProcessedLine);
}

/** Polls until `id` appears in EVENTS_FILE; fails after WAIT_TIMEOUT_MS. */
async function waitUntilProcessed(file: string, id: string): Promise<ProcessedLine[]> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (;;) {
    const lines = readProcessed(file);
    if (lines.some((line) => line.webhookId === id)) return lines;
    if (Date.now() > deadline) throw new Error(`${id} was not processed within ${WAIT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const examples: Example[] = [nodeExample, pythonExample];

for (const example of examples) {
  const missing = example.missing();
  // Locally a missing interpreter only skips; CI must run every example.
  const skip = missing !== undefined && !process.env.CI;
  if (skip) console.warn(`Skipping the ${example.name} receiver example: ${missing}`);

  (skip ? describe.skip : describe)(`receiver example: ${example.name}`, () => {
    let workDir = "";
    let env: Record<string, string> = {};
    let running: Running | undefined;
    let organizationId = "";
    let endpointId = "";
    let secret = "";
    let eventsFile = "";

    /** Starts the example and points the endpoint at it (the port changes on every start). */
    async function start() {
      running = await startExample(example, env);
      await updateEndpoint({ organizationId, endpointId, url: running.url });
    }

    /** Enqueues one event, lets the engine deliver it, and returns the delivery with its stored body. */
    async function deliverEvent(idempotencyKey: string) {
      const { eventId, deliveries } = await sendWebhookNotification(organizationId, "invoice.settled", idempotencyKey, DATA);
      expect(deliveries).toHaveLength(1);
      expect(await processDueDeliveries()).toBe(1);
      const stored = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
      const delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } });
      return { id: delivery.id, delivery, stored };
    }

    /** A request signed by our signing code for this delivery at `attemptAt`, POSTed by our transport. */
    async function postSigned(options: { id: string; body: string; createdAt: Date; attemptAt: Date; sendBody?: string; headers?: Record<string, string> }) {
      const headers = buildWebhookHeaders({
        messageId: options.id,
        eventType: "invoice.settled",
        eventTimestamp: options.createdAt.toISOString(),
        body: options.body,
        secrets: [secret],
        attemptAt: options.attemptAt,
      });
      return postWebhook({
        url: running!.url,
        headers: { ...headers, ...options.headers },
        body: options.sendBody ?? options.body,
        allowPrivateNetwork: true,
        timeoutMs: WAIT_TIMEOUT_MS,
      });
    }

    let first: Awaited<ReturnType<typeof deliverEvent>>;

    beforeAll(async () => {
      if (missing) throw new Error(`The ${example.name} receiver example cannot run: ${missing}`);
      await example.prepare?.();
      workDir = fs.mkdtempSync(path.join(os.tmpdir(), `receiver-${example.name}-`));
      eventsFile = path.join(workDir, "events.jsonl");
      const org = await makeOrganization(`Receiver ${example.name}`);
      organizationId = org.id;
      // The child needs the secret before it starts and the endpoint needs the child's port:
      // create with a placeholder URL, then point it at the child.
      const created = await makeEndpoint({ organizationId, url: "http://127.0.0.1:9/webhooks" });
      endpointId = created.endpoint.id;
      secret = created.secret;
      env = { WEBHOOK_SECRET: secret, DEDUP_FILE: path.join(workDir, "processed-ids.jsonl"), EVENTS_FILE: eventsFile };
      await start();
    }, NPM_INSTALL_TIMEOUT_MS + START_TIMEOUT_MS);

    afterAll(async () => {
      if (running) await stopChild(running.child, "SIGTERM");
      if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    });

    it("answers a real delivery 204 and processes the exact body once", async () => {
      first = await deliverEvent(`inv-1-${example.name}`);
      expect(first.delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 204 });
      const lines = await waitUntilProcessed(eventsFile, first.id);
      expect(lines.filter((line) => line.webhookId === first.id)).toEqual([{ webhookId: first.id, event: JSON.parse(first.stored.body) }]);
    });

    it("refuses a body with one byte changed, and a wrong x-webhook-signature, with 400", async () => {
      const { id, stored } = first;
      // Control: the same request untampered, freshly signed by our code, passes verification.
      const control = await postSigned({ id, body: stored.body, createdAt: stored.createdAt, attemptAt: new Date() });
      expect(control.status).toBe(200);
      expect(JSON.parse(control.body)).toEqual({ duplicate: true });

      const tampered = Buffer.from(stored.body, "utf8");
      const at = tampered.indexOf("inv_123") + "inv_".length;
      tampered[at] = tampered[at]! ^ 0x01; // "inv_123" → "inv_023": still valid JSON
      const tamperedText = tampered.toString("utf8");
      expect(tamperedText).not.toBe(stored.body);
      const refused = await postSigned({ id, body: stored.body, createdAt: stored.createdAt, attemptAt: new Date(), sendBody: tamperedText });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatch(/signature/i);

      // Standard signature right, legacy hex HMAC wrong (here: keyed with another secret).
      const wrongLegacy = await postSigned({
        id,
        body: stored.body,
        createdAt: stored.createdAt,
        attemptAt: new Date(),
        headers: { "x-webhook-signature": generateHmacSignature(stored.body, `${secret}x`) },
      });
      expect(wrongLegacy.status).toBe(400);
      expect(wrongLegacy.body).toMatch(/x-webhook-signature/);
    });

    it("refuses a replay whose webhook-timestamp is more than 5 minutes off with 400", async () => {
      const { id, stored } = first;
      for (const offsetSeconds of [-STALE_SECONDS, STALE_SECONDS]) {
        const replay = await postSigned({ id, body: stored.body, createdAt: stored.createdAt, attemptAt: new Date(Date.now() + offsetSeconds * 1000) });
        expect(replay.status).toBe(400);
        expect(replay.body).toMatch(/timestamp/i);
      }
      expect(readProcessed(eventsFile).filter((line) => line.webhookId === id)).toHaveLength(1);
    });

    it("answers a redelivery 200 duplicate and does not process it again", async () => {
      const result = await redeliver({ organizationId, deliveryId: first.id });
      expect(result).toMatchObject({ statusCode: 200, status: "delivered" });
      expect(JSON.parse(result.responseSnippet ?? "")).toEqual({ duplicate: true });

      // Processing is one FIFO queue: once a later delivery is processed, a wrongly queued
      // duplicate would already be in the file.
      const next = await deliverEvent(`inv-2-${example.name}`);
      expect(next.delivery.lastStatusCode).toBe(204);
      const lines = await waitUntilProcessed(eventsFile, next.id);
      expect(lines.filter((line) => line.webhookId === first.id)).toHaveLength(1);
    });

    it("still knows the delivery after a restart (same DEDUP_FILE)", async () => {
      await stopChild(running!.child, "SIGKILL"); // a crash, not a clean shutdown
      running = undefined;
      await start();

      const result = await redeliver({ organizationId, deliveryId: first.id });
      expect(result).toMatchObject({ statusCode: 200, status: "delivered" });
      expect(JSON.parse(result.responseSnippet ?? "")).toEqual({ duplicate: true });

      const next = await deliverEvent(`inv-3-${example.name}`);
      expect(next.delivery.lastStatusCode).toBe(204);
      const lines = await waitUntilProcessed(eventsFile, next.id);
      expect(lines.filter((line) => line.webhookId === first.id)).toHaveLength(1);
    });

    it("keeps accepting deliveries during a secret rotation while it still holds the previous secret", async () => {
      // The engine now signs with the new secret first and the old one second; the legacy
      // x-webhook-signature only with the new one. The receiver has not been updated yet.
      await rotateEndpointSecret({ organizationId, endpointId });
      const next = await deliverEvent(`inv-4-${example.name}`);
      expect(next.delivery).toMatchObject({ status: "delivered", lastStatusCode: 204 });
      await waitUntilProcessed(eventsFile, next.id);
    });
  });
}
