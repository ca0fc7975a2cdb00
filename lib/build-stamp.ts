import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What a production build depends on; a change to any of these means rebuild. */
const BUILD_INPUTS = [
  "app",
  "lib",
  "public",
  "prisma/schema.prisma",
  "generated/prisma",
  "next.config.js",
  "proxy.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];

function collect(root: string, entry: string, files: string[]): void {
  const full = path.join(root, entry);
  if (!existsSync(full)) return;
  if (statSync(full).isDirectory()) {
    for (const child of readdirSync(full).sort()) collect(root, path.join(entry, child), files);
  } else {
    files.push(entry);
  }
}

/** A content hash of every build input under `root`. */
export function sourceHash(root: string): string {
  const files: string[] = [];
  for (const entry of BUILD_INPUTS) collect(root, entry, files);
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file).update("\0").update(readFileSync(path.join(root, file))).update("\0");
  }
  return hash.digest("hex");
}

const STAMP = path.join(".next", "source-hash");

/** True when `.next` holds a complete production build of exactly these sources. */
export function isBuildCurrent(root: string, hash = sourceHash(root)): boolean {
  const stamp = path.join(root, STAMP);
  return existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === hash;
}

export function stampPath(root: string): string {
  return path.join(root, STAMP);
}

/** What `.next` holds: a build of exactly these sources, a build of other sources, or none. */
export type BuildState = "current" | "stale" | "missing";

export function buildState(root: string): BuildState {
  if (isBuildCurrent(root)) return "current";
  return existsSync(path.join(root, ".next", "BUILD_ID")) ? "stale" : "missing";
}

/** Runs `next build` in `root` (NODE_ENV=production, output to this terminal); throws when it fails. */
export function nextBuild(root: string): void {
  const build = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    // Next.js phones home with usage data unless told not to; a self-hosted product should not.
    env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env, NODE_ENV: "production" },
  });
  if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
}

/** Held (a folder, made atomically) while one process builds; beside `.next`, which `next build` empties. */
const BUILD_LOCK = ".next-build.lock";

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lock, "pid"), "utf8"));
  } catch {
    // Just made, pid not written yet: treat as alive, unless it is old (the holder died in between).
    try {
      return Date.now() - statSync(lock).mtimeMs < 60_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Builds when `.next` does not hold a build of exactly these sources (`force`: in any
 * case). Two starts at once on one checkout (two terminals, or tests) build once: the
 * second waits for the first's lock, then finds the build current. A lock left by a
 * dead process is taken over. Returns whether this call built.
 */
export async function ensureBuild(root: string, build: () => void, options: { waitMs?: number; pollMs?: number; force?: boolean } = {}): Promise<boolean> {
  const lock = path.join(root, BUILD_LOCK);
  const deadline = Date.now() + (options.waitMs ?? 20 * 60_000);
  for (;;) {
    const hash = sourceHash(root);
    if (!options.force && isBuildCurrent(root, hash)) return false;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!holderAlive(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another process has been building the app for too long (lock ${BUILD_LOCK}); stop it or remove the lock`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
      continue;
    }
    try {
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      // Another process may have finished a build between our check and taking the lock.
      if (!options.force && isBuildCurrent(root, hash)) return false;
      build();
      writeFileSync(stampPath(root), hash);
      return true;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
