/**
 * The receiver examples in examples/receivers/, run as real child processes against real
 * deliveries from the engine: accepted and processed once, tampered and replayed requests
 * refused, duplicates answered 2xx without processing, and the dedupe store surviving a restart.
 * Each runs twice: with an HMAC endpoint's secret (WEBHOOK_SECRET, v1) and with an Ed25519
 * endpoint's public key (WEBHOOK_PUBLIC_KEY, v1a), through a key rotation too.
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
  generateSigningKeyPair,
  processDueDeliveries,
  rotateEndpointCredential,
  rotateEndpointSecret,
  sendWebhookNotification,
  updateEndpoint,
} from "@/lib/webhooks";
import { redeliver } from "@/lib/webhooks/manual";
import { signingSecrets } from "@/lib/webhooks/secrets";
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

/** The first Python that can import `modules`: the one on PATH, or Debian's (/usr/bin/python3). */
function findPython(modules: string): string | undefined {
  return ["python3", "/usr/bin/python3"].find(
    (candidate) => spawnSync(candidate, ["-c", `import ${modules}`], { stdio: "ignore", timeout: 30_000 }).status === 0,
  );
}

/** The Flask example run by `python`, or, when none was found, the reason it cannot run. */
function pythonExample(python: string | undefined, missing: string): Example {
  return {
    name: "python-flask",
    dir: path.join(EXAMPLES_DIR, "python-flask"),
    command: python ?? "python3",
    args: ["app.py"],
    missing: () => (python === undefined ? missing : undefined),
  };
}

// HMAC needs Flask only (python3-flask); Ed25519 also the cryptography package, and only APIs
// that Debian 12's python3-cryptography (38.x) has.
const pythonHmacExample = pythonExample(findPython("flask"), "python3 cannot import flask (apt-get install python3-flask)");
const pythonEd25519Example = pythonExample(
  findPython("flask, cryptography.exceptions, cryptography.hazmat.primitives.asymmetric.ed25519"),
  "python3 cannot import flask and cryptography (apt-get install python3-flask python3-cryptography)",
);

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

/** Runs an example that is expected to refuse to start: its exit code and what it wrote to stderr. */
function runUntilExit(example: Example, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(example.command, example.args, { cwd: example.dir, env: childEnv({ ...env, PORT: "0", HOST: "127.0.0.1" }), stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${example.name} was still running after ${START_TIMEOUT_MS} ms; it should have refused to start`));
    }, START_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
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

/** Enqueues one event for the organization's one endpoint, lets the engine deliver it, and returns the delivery with its stored body. */
async function deliverEvent(organizationId: string, idempotencyKey: string) {
  const { eventId, deliveries } = await sendWebhookNotification(organizationId, "invoice.settled", idempotencyKey, DATA);
  expect(deliveries).toHaveLength(1);
  expect(await processDueDeliveries()).toBe(1);
  const stored = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
  const delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } });
  return { id: delivery.id, delivery, stored };
}

type Delivered = Awaited<ReturnType<typeof deliverEvent>>;

/**
 * A request for `delivery` signed by our signing code with `secrets` (newest first: `whsec_`
 * secrets sign v1, `whsk_` private keys v1a) at `attemptAt`, POSTed by our transport to `url`.
 */
async function postSigned(
  url: string,
  secrets: string[],
  options: { delivery: Delivered; attemptAt: Date; sendBody?: string; headers?: Record<string, string> },
) {
  const { id, stored } = options.delivery;
  const headers = buildWebhookHeaders({
    messageId: id,
    eventType: "invoice.settled",
    eventTimestamp: stored.createdAt.toISOString(),
    body: stored.body,
    secrets,
    attemptAt: options.attemptAt,
  });
  return postWebhook({
    url,
    headers: { ...headers, ...options.headers },
    body: options.sendBody ?? stored.body,
    allowPrivateNetwork: true,
    timeoutMs: WAIT_TIMEOUT_MS,
  });
}

/** The stored body with one byte changed ("inv_123" → "inv_023"): still valid JSON. */
function tamperedBody(body: string): string {
  const tampered = Buffer.from(body, "utf8");
  const at = tampered.indexOf("inv_123") + "inv_".length;
  tampered[at] = tampered[at]! ^ 0x01;
  const text = tampered.toString("utf8");
  expect(text).not.toBe(body);
  return text;
}

/** The versions of the `webhook-signature` entries the engine sent on the delivery's last attempt, and whether it sent x-webhook-signature. */
async function sentSignatures(deliveryId: string) {
  const attempt = await prisma.webhookAttempt.findFirstOrThrow({ where: { deliveryId }, orderBy: { number: "desc" } });
  const headers = attempt.requestHeaders as Record<string, string>;
  return { versions: headers["webhook-signature"]!.split(" ").map((entry) => entry.split(",")[0]), legacy: "x-webhook-signature" in headers };
}

/** Whether an example can run here; locally a missing interpreter only skips, CI must run every example. */
function runnable(example: Example, label: string) {
  const missing = example.missing();
  const skip = missing !== undefined && !process.env.CI;
  if (skip) console.warn(`Skipping the ${example.name} receiver example (${label}): ${missing}`);
  return { missing, describeOrSkip: skip ? describe.skip : describe };
}

const examples: Example[] = [nodeExample, pythonHmacExample];

for (const example of examples) {
  const { missing, describeOrSkip } = runnable(example, "HMAC");

  describeOrSkip(`receiver example: ${example.name}`, () => {
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

    const deliver = (idempotencyKey: string) => deliverEvent(organizationId, idempotencyKey);
    /** A request signed with the endpoint's secret, for `first` unless said otherwise. */
    const post = (options: { attemptAt: Date; sendBody?: string; headers?: Record<string, string> }) =>
      postSigned(running!.url, [secret], { delivery: first, ...options });

    let first: Delivered;

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
      first = await deliver(`inv-1-${example.name}`);
      expect(first.delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 204 });
      const lines = await waitUntilProcessed(eventsFile, first.id);
      expect(lines.filter((line) => line.webhookId === first.id)).toEqual([{ webhookId: first.id, event: JSON.parse(first.stored.body) }]);
    });

    it("refuses a body with one byte changed, and a wrong x-webhook-signature, with 400", async () => {
      // Control: the same request untampered, freshly signed by our code, passes verification.
      const control = await post({ attemptAt: new Date() });
      expect(control.status).toBe(200);
      expect(JSON.parse(control.body)).toEqual({ duplicate: true });

      const refused = await post({ attemptAt: new Date(), sendBody: tamperedBody(first.stored.body) });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatch(/signature/i);

      // Standard signature right, legacy hex HMAC wrong (here: keyed with another secret).
      const wrongLegacy = await post({
        attemptAt: new Date(),
        headers: { "x-webhook-signature": generateHmacSignature(first.stored.body, `${secret}x`) },
      });
      expect(wrongLegacy.status).toBe(400);
      expect(wrongLegacy.body).toMatch(/x-webhook-signature/);
    });

    it("refuses a replay whose webhook-timestamp is more than 5 minutes off with 400", async () => {
      for (const offsetSeconds of [-STALE_SECONDS, STALE_SECONDS]) {
        const replay = await post({ attemptAt: new Date(Date.now() + offsetSeconds * 1000) });
        expect(replay.status).toBe(400);
        expect(replay.body).toMatch(/timestamp/i);
      }
      expect(readProcessed(eventsFile).filter((line) => line.webhookId === first.id)).toHaveLength(1);
    });

    it("answers a redelivery 200 duplicate and does not process it again", async () => {
      const result = await redeliver({ organizationId, deliveryId: first.id });
      expect(result).toMatchObject({ statusCode: 200, status: "delivered" });
      expect(JSON.parse(result.responseSnippet ?? "")).toEqual({ duplicate: true });

      // Processing is one FIFO queue: once a later delivery is processed, a wrongly queued
      // duplicate would already be in the file.
      const next = await deliver(`inv-2-${example.name}`);
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

      const next = await deliver(`inv-3-${example.name}`);
      expect(next.delivery.lastStatusCode).toBe(204);
      const lines = await waitUntilProcessed(eventsFile, next.id);
      expect(lines.filter((line) => line.webhookId === first.id)).toHaveLength(1);
    });

    it("keeps accepting deliveries during a secret rotation while it still holds the previous secret", async () => {
      // The engine now signs with the new secret first and the old one second; the legacy
      // x-webhook-signature only with the new one. The receiver has not been updated yet.
      await rotateEndpointSecret({ organizationId, endpointId });
      const next = await deliver(`inv-4-${example.name}`);
      expect(next.delivery).toMatchObject({ status: "delivered", lastStatusCode: 204 });
      await waitUntilProcessed(eventsFile, next.id);
    });
  });
}

/** A made-up shared secret: `whsec_` + base64 of 32 bytes, standing for an HMAC credential. */
const OTHER_SHARED_SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

for (const example of [nodeExample, pythonEd25519Example]) {
  const { missing, describeOrSkip } = runnable(example, "Ed25519");

  describeOrSkip(`receiver example: ${example.name}, Ed25519 (v1a)`, () => {
    let workDir = "";
    let env: Record<string, string> = {};
    let running: Running | undefined;
    let organizationId = "";
    let endpointId = "";
    /** The endpoint's whpk_ public key, what the receiver holds. */
    let publicKey = "";
    /** Its whsk_ private key, read from the sealed column to sign requests of our own. */
    let privateKey = "";
    let eventsFile = "";
    let first: Delivered;

    async function start() {
      running = await startExample(example, env);
      await updateEndpoint({ organizationId, endpointId, url: running.url });
    }

    const deliver = (idempotencyKey: string) => deliverEvent(organizationId, idempotencyKey);
    /** A request for `first` signed with `secrets` (default: the endpoint's private key). */
    const post = (options: { secrets?: string[]; attemptAt: Date; sendBody?: string }) =>
      postSigned(running!.url, options.secrets ?? [privateKey], { delivery: first, ...options });

    beforeAll(async () => {
      if (missing) throw new Error(`The ${example.name} receiver example cannot run: ${missing}`);
      await example.prepare?.();
      workDir = fs.mkdtempSync(path.join(os.tmpdir(), `receiver-${example.name}-ed25519-`));
      eventsFile = path.join(workDir, "events.jsonl");
      const org = await makeOrganization(`Receiver ${example.name} Ed25519`);
      organizationId = org.id;
      const created = await makeEndpoint({ organizationId, url: "http://127.0.0.1:9/webhooks", signatureScheme: "ed25519" });
      endpointId = created.endpoint.id;
      publicKey = created.endpoint.publicKey!;
      const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
      privateKey = signingSecrets(row, new Date())[0]!;
      expect(privateKey).toMatch(/^whsk_/);
      env = { WEBHOOK_PUBLIC_KEY: publicKey, DEDUP_FILE: path.join(workDir, "processed-ids.jsonl"), EVENTS_FILE: eventsFile };
      await start();
    }, NPM_INSTALL_TIMEOUT_MS + START_TIMEOUT_MS);

    afterAll(async () => {
      if (running) await stopChild(running.child, "SIGTERM");
      if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    });

    it("refuses to start without exactly one well-formed credential", async () => {
      const base = { WEBHOOK_SECRET: "", WEBHOOK_PUBLIC_KEY: "", DEDUP_FILE: path.join(workDir, "unused.jsonl"), EVENTS_FILE: path.join(workDir, "unused-events.jsonl") };
      const cases: { env: Record<string, string>; says: RegExp }[] = [
        { env: {}, says: /exactly one of WEBHOOK_SECRET .* and WEBHOOK_PUBLIC_KEY/ },
        { env: { WEBHOOK_SECRET: OTHER_SHARED_SECRET, WEBHOOK_PUBLIC_KEY: publicKey }, says: /exactly one of WEBHOOK_SECRET .* and WEBHOOK_PUBLIC_KEY/ },
        { env: { WEBHOOK_PUBLIC_KEY: publicKey.slice("whpk_".length) }, says: /WEBHOOK_PUBLIC_KEY is not whpk_/ },
        { env: { WEBHOOK_PUBLIC_KEY: `whpk_${Buffer.alloc(31, 1).toString("base64")}` }, says: /WEBHOOK_PUBLIC_KEY is not whpk_/ },
        { env: { WEBHOOK_PUBLIC_KEY: `${publicKey.slice(0, -4)}!!!=` }, says: /WEBHOOK_PUBLIC_KEY is not whpk_/ },
        { env: { WEBHOOK_PUBLIC_KEY: OTHER_SHARED_SECRET }, says: /WEBHOOK_PUBLIC_KEY is not whpk_/ },
      ];
      for (const { env: extra, says } of cases) {
        const { code, stderr } = await runUntilExit(example, { ...base, ...extra });
        expect({ code, stderr }).toEqual({ code: 1, stderr: expect.stringMatching(says) });
      }
    });

    it("answers a real delivery 204 and processes the exact body once; the request carried v1a only", async () => {
      first = await deliver(`inv-1-${example.name}-ed25519`);
      expect(first.delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 204 });
      expect(await sentSignatures(first.id)).toEqual({ versions: ["v1a"], legacy: false });
      const lines = await waitUntilProcessed(eventsFile, first.id);
      expect(lines.filter((line) => line.webhookId === first.id)).toEqual([{ webhookId: first.id, event: JSON.parse(first.stored.body) }]);
    });

    it("refuses a body with one byte changed with 400", async () => {
      // Control: the same request untampered, freshly signed with the endpoint's key, verifies.
      const control = await post({ attemptAt: new Date() });
      expect(control.status).toBe(200);
      expect(JSON.parse(control.body)).toEqual({ duplicate: true });

      const refused = await post({ attemptAt: new Date(), sendBody: tamperedBody(first.stored.body) });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatch(/signature/i);
    });

    it("refuses a request signed by another key pair, or only by a shared secret, with 400", async () => {
      for (const secrets of [[generateSigningKeyPair().privateKey], [OTHER_SHARED_SECRET]]) {
        const refused = await post({ secrets, attemptAt: new Date() });
        expect(refused.status).toBe(400);
        expect(refused.body).toMatch(/signature/i);
      }
      // As during a switch from HMAC: a v1 entry (and an x-webhook-signature it cannot check)
      // beside the v1a one. The v1a entry is enough.
      const switching = await post({ secrets: [privateKey, OTHER_SHARED_SECRET], attemptAt: new Date() });
      expect(switching.status).toBe(200);
      expect(JSON.parse(switching.body)).toEqual({ duplicate: true });
    });

    it("refuses a replay whose webhook-timestamp is more than 5 minutes off with 400", async () => {
      for (const offsetSeconds of [-STALE_SECONDS, STALE_SECONDS]) {
        const replay = await post({ attemptAt: new Date(Date.now() + offsetSeconds * 1000) });
        expect(replay.status).toBe(400);
        expect(replay.body).toMatch(/timestamp/i);
      }
      expect(readProcessed(eventsFile).filter((line) => line.webhookId === first.id)).toHaveLength(1);
    });

    it("answers a redelivery 200 duplicate and does not process it again", async () => {
      const result = await redeliver({ organizationId, deliveryId: first.id });
      expect(result).toMatchObject({ statusCode: 200, status: "delivered" });
      expect(JSON.parse(result.responseSnippet ?? "")).toEqual({ duplicate: true });
    });

    it("keeps verifying through a key rotation: with the previous key during the grace, then with the new one", async () => {
      const previousPrivateKey = privateKey;
      const rotated = await rotateEndpointCredential({ organizationId, endpointId });
      if (rotated.signatureScheme !== "ed25519") throw new Error("expected a new key pair");
      expect(rotated.publicKey).not.toBe(publicKey);

      // The receiver still holds the previous public key: the second entry verifies.
      const during = await deliver(`inv-2-${example.name}-ed25519`);
      expect(during.delivery).toMatchObject({ status: "delivered", lastStatusCode: 204 });
      expect(await sentSignatures(during.id)).toEqual({ versions: ["v1a", "v1a"], legacy: false });
      await waitUntilProcessed(eventsFile, during.id);

      // The receiver switches to the new public key (same dedupe store) while the grace lasts.
      await stopChild(running!.child, "SIGTERM");
      running = undefined;
      env = { ...env, WEBHOOK_PUBLIC_KEY: rotated.publicKey };
      await start();
      const again = await redeliver({ organizationId, deliveryId: during.id });
      expect(again).toMatchObject({ statusCode: 200, status: "delivered" });
      expect(JSON.parse(again.responseSnippet ?? "")).toEqual({ duplicate: true });
      const next = await deliver(`inv-3-${example.name}-ed25519`);
      expect(next.delivery).toMatchObject({ status: "delivered", lastStatusCode: 204 });
      const lines = await waitUntilProcessed(eventsFile, next.id);
      expect(lines.filter((line) => line.webhookId === during.id)).toHaveLength(1);

      // What only the previous key signed no longer verifies there.
      const previousOnly = await post({ secrets: [previousPrivateKey], attemptAt: new Date() });
      expect(previousOnly.status).toBe(400);
      expect(previousOnly.body).toMatch(/signature/i);
    });
  });
}
