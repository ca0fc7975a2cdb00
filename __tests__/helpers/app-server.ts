import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface RunningApp {
  url: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

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

/**
 * Starts the app exactly as the README's `npm start` does (build if needed,
 * migrate, seed, serve, worker), in its own process group, against a fresh
 * embedded database — or a PostgreSQL URL when given. Resolves once
 * /api/health answers 200 and the start banner is printed.
 */
export async function startApp(
  options: { databaseUrl?: string; env?: Record<string, string>; timeoutMs?: number; dataDir?: string } = {},
): Promise<RunningApp> {
  const root = path.resolve(__dirname, "../..");
  const port = await freePort();
  // A given data folder is the caller's to keep (a second start on the same data); a fresh one is removed on stop.
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "webhooks-e2e-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  } as unknown as NodeJS.ProcessEnv;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [require.resolve("tsx/cli"), "scripts/start.ts"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  for (;;) {
    const status = await fetch(`${url}/api/health`).then((response) => response.status, () => 0);
    // Ready once it serves and has printed its banner (the banner comes after the worker and demo data).
    if (status === 200 && output.includes("Webhooks is running")) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
      throw new Error(`the app did not become healthy:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    dataDir,
    output: () => output,
    async stop() {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
      }, 15_000);
      await exited;
      clearTimeout(timer);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
