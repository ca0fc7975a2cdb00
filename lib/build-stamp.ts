import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
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
