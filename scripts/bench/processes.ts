/**
 * The processes a benchmark starts: the loopback receiver (receiver.ts) and
 * delivery worker processes (scripts/worker.ts), each in a process of its own
 * so none shares an event loop with what it measures.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

export interface ReceivedRequest {
  /** Epoch ms with sub-millisecond precision, stamped as the request arrived. */
  at: number;
  id: string;
  /** `data.key` and `data.n` of the event, when it has them (the ordered runs). */
  key?: string;
  n?: number;
}

export interface Receiver {
  url: string;
  stats(): Promise<{ requests: number; distinct: number; duplicates: number; arrivals: Record<string, number> }>;
  /** Every request in arrival order (started with `log: true`). */
  log(): Promise<ReceivedRequest[]>;
  reset(): Promise<void>;
  stop(): void;
}

/** `failEvery`: answer 500 to every n-th request (retries in the runs). */
export async function startReceiver(latencyMs: number, options: { keepArrivals?: boolean; log?: boolean; failEvery?: number } = {}): Promise<Receiver> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "receiver.ts")], {
    env: { ...process.env, LATENCY_MS: String(latencyMs), KEEP_ARRIVALS: options.keepArrivals === false ? "false" : "true", KEEP_LOG: options.log ? "true" : "false", FAIL_EVERY: String(options.failEvery ?? 0) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()).listening));
    child.once("exit", () => reject(new Error("receiver exited")));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/hook`,
    stats: async () => (await fetch(`${base}/stats`)).json(),
    log: async () => (await fetch(`${base}/log`)).json(),
    reset: async () => void (await fetch(`${base}/reset`, { method: "POST" })),
    stop: () => child.kill("SIGTERM"),
  };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export type WorkerProcess = ChildProcess & { logLines: string[] };

/**
 * A worker process (tsx as a loader, so the pid is the worker's own) with `slots`
 * slots. Its log lines (JSON) are kept for its usage report. `profileDir`: it
 * writes a CPU profile there when it exits. `env` adds to (or overrides) its variables.
 */
export function spawnWorker(databaseUrl: string, options: { slots: string; profileDir?: string; env?: Record<string, string> }): WorkerProcess {
  const profile = options.profileDir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(options.profileDir)] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join(root, "scripts/worker.ts")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: "10",
      WEBHOOK_ALLOW_PRIVATE_NETWORK: "true",
      WEBHOOK_WORKER_CONCURRENCY: options.slots,
      WEBHOOK_ENDPOINT_CONCURRENCY: "1000",
      LOG_LEVEL: "info",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "ignore"],
  }) as WorkerProcess;
  child.logLines = [];
  let rest = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split("\n");
    rest = lines.pop() ?? "";
    child.logLines.push(...lines);
  });
  return child;
}

export interface WorkerUsageReport {
  busySlotMs: number;
  claims: number;
  emptyClaims: number;
  claimMsTotal: number;
  claimed: number;
}

/** SIGTERM, wait for the exit, and read the usage the worker logged as it stopped. */
export async function stopWorker(worker: WorkerProcess): Promise<WorkerUsageReport> {
  await new Promise((resolve) => {
    worker.once("exit", resolve);
    worker.kill("SIGTERM");
  });
  for (const line of worker.logLines) {
    try {
      const entry = JSON.parse(line) as { msg?: string; usage?: WorkerUsageReport };
      if (entry.msg === "worker stopped" && entry.usage) return entry.usage;
    } catch {
      // not a JSON line
    }
  }
  throw new Error("the worker did not report its usage when it stopped");
}
