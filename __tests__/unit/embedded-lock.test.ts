import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EmbeddedDatabaseBusyError, isAlive, lockEmbeddedDatabase } from "@/lib/database/embedded-lock";

const linux = existsSync("/proc/self/stat");
const onLinux = linux ? it : it.skip;

/** A zombie: `true` exits in the background of a shell that then execs `sleep`, which never reaps it. */
async function zombie(): Promise<{ pid: number; stop: () => void }> {
  const parent = spawn("sh", ["-c", "true & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
  const pid = await new Promise<number>((resolve) => parent.stdout!.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  for (let i = 0; i < 200; i++) {
    // Some shells reap the background job before exec: then the owner is simply gone, which the
    // lock must also take over from.
    if (!existsSync(`/proc/${pid}/stat`)) break;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { pid, stop: () => parent.kill("SIGKILL") };
}

describe("the embedded database lock", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "lock-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("refuses a second holder while the first is alive", () => {
    const release = lockEmbeddedDatabase(dataDir);
    try {
      writeFileSync(path.join(dataDir, "owner.pid"), String(process.ppid));
      expect(() => lockEmbeddedDatabase(dataDir)).toThrow(EmbeddedDatabaseBusyError);
    } finally {
      release();
    }
  });

  onLinux("takes over from a zombie: a killed server that was never reaped holds nothing", async () => {
    const { pid, stop } = await zombie();
    try {
      expect(isAlive(pid)).toBe(false);
      expect(isAlive(process.pid)).toBe(true);
      writeFileSync(path.join(dataDir, "owner.pid"), String(pid));
      const release = lockEmbeddedDatabase(dataDir);
      expect(readFileSync(path.join(dataDir, "owner.pid"), "utf8")).toBe(String(process.pid));
      release();
    } finally {
      stop();
    }
  });
});
