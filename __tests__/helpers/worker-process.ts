import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * `npm run worker` as a child process on the test's PostgreSQL database: one
 * process (tsx as a loader, not the tsx CLI, which runs the script in a child),
 * so a signal reaches the worker itself. `env` adds to the defaults (private
 * addresses allowed, quiet logs).
 */
export function spawnWorkerProcess(env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.resolve(__dirname, "../../scripts/worker.ts")], {
    cwd: path.resolve(__dirname, "../.."),
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: process.env.DATABASE_URL,
      DATABASE_POOL_SIZE: "10",
      WEBHOOK_ALLOW_PRIVATE_NETWORK: "true",
      LOG_LEVEL: "error",
      ...env,
    } as unknown as NodeJS.ProcessEnv,
    stdio: "ignore",
  });
}
