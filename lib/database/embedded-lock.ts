import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import path from "node:path";

/**
 * PGlite is one process, one session: two processes opening the same data
 * folder corrupt it. A pid file makes the second one fail with a clear message.
 */
export class EmbeddedDatabaseBusyError extends Error {
  readonly code = "embedded_database_busy";
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. Stop it first, or set DATABASE_URL to run several processes against PostgreSQL.`,
    );
    this.name = "EmbeddedDatabaseBusyError";
  }
}

/**
 * True while `pid` is a running process. A zombie (exited, not yet reaped by its parent —
 * common for a killed server whose launcher already exited) still answers signal 0 but holds
 * nothing, so on Linux its state is read from /proc.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; the state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (not Linux) or it vanished meanwhile: trust signal 0
  }
}

/**
 * Takes the lock for `dataDir` (stale locks of dead processes are replaced). Returns the release
 * function. Creates the folder owner-only (0700): it holds the database, the local encryption key,
 * the auth secret and the demo password.
 */
export function lockEmbeddedDatabase(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, "owner.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        rmSync(file, { force: true });
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new EmbeddedDatabaseBusyError(dataDir, owner);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the embedded database lock in ${dataDir}`);
}
