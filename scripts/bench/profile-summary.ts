/**
 * Summarises a V8 CPU profile (`node --cpu-prof` writes one .cpuprofile per process):
 * time by package (next, prisma, pg, pglite, zod, our lib/, node internals, …), then the top
 * functions by self time and by inclusive time (a function counted once per sample however often
 * it recurses). Times are the sampled wall time on the main thread, in ms and % of all samples.
 *
 *   npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--top 25] [--json]
 *
 * (Hand-written: the published readers of this format either render flame graphs in a browser
 * or print one flat list without the package grouping this needs.)
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  byPackage: Row[];
  selfTime: Row[];
  inclusiveTime: Row[];
  /** Inclusive time of each package: samples with at least one frame of it on the stack. */
  packageInclusive: Row[];
}

const PACKAGE_RULES: [RegExp, string][] = [
  [/node_modules\/next\//, "next"],
  [/node_modules\/(@prisma|prisma)\/|\/generated\/prisma\//, "prisma"],
  [/node_modules\/pglite-prisma-adapter\//, "pglite adapter"],
  [/node_modules\/@electric-sql\/pglite\//, "pglite"],
  [/node_modules\/(pg|pg-protocol|pg-pool|pg-types|pgpass|pg-connection-string|postgres-[a-z]+)\//, "pg"],
  [/node_modules\/zod\//, "zod"],
  [/node_modules\/(react|react-dom|scheduler)\//, "react"],
  [/node_modules\/(pino|pino-[a-z-]+|thread-stream|sonic-boom)\//, "pino"],
  [/node_modules\/(undici)\//, "undici"],
  [/node_modules\/(tsx|esbuild|get-tsconfig)\//, "tsx (loader)"],
  [/\.next\/server\/chunks\/.*\[turbopack\]|\.next\/server\/chunks\/.*runtime/, "next (bundled runtime)"],
  [/\.next\/server\//, "app bundle (.next/server: app/, lib/ and bundled packages)"],
  [/\/lib\//, "our lib/"],
  [/\/app\//, "our app/"],
  [/\/scripts\//, "our scripts/"],
  [/^node:|^internal\//, "node internals"],
];

/** The package a frame belongs to, from its script URL. */
export function packageOf(frame: CallFrame): string {
  if (!frame.url) {
    if (/^\((garbage collector|idle|program|root)\)$/.test(frame.functionName)) return frame.functionName;
    return "native / V8";
  }
  for (const [pattern, name] of PACKAGE_RULES) if (pattern.test(frame.url)) return name;
  const other = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(frame.url);
  return other ? other[1]! : "other";
}

function frameName(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, "");
  // A package's files keep the package name (pg/lib/client.js); the app's keep their folder (lib/db.ts).
  const file = url.includes("/node_modules/") ? url.replace(/^.*\/node_modules\//, "") : url.replace(/^.*\/(lib|app|scripts|generated|\.next)\//, "$1/");
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

const top = (totals: Map<string, number>, totalUs: number, n: number): Row[] =>
  [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((us / totalUs) * 1000) / 10 }));

/** Self, inclusive and per-package times of `profile`; `n` rows per list. */
export function summariseProfile(profile: CpuProfile, n = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  const packagesInclusive = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    const leaf = byId.get(id);
    if (!leaf) return;
    totalUs += us;
    self.set(frameName(leaf.callFrame), (self.get(frameName(leaf.callFrame)) ?? 0) + us);
    packages.set(packageOf(leaf.callFrame), (packages.get(packageOf(leaf.callFrame)) ?? 0) + us);
    const seenFrames = new Set<string>();
    const seenPackages = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id) ?? -1)) {
      seenFrames.add(frameName(node.callFrame));
      seenPackages.add(packageOf(node.callFrame));
    }
    for (const frame of seenFrames) inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
    for (const name of seenPackages) packagesInclusive.set(name, (packagesInclusive.get(name) ?? 0) + us);
  });
  return {
    totalMs: Math.round(totalUs / 1000),
    byPackage: top(packages, totalUs, 100),
    packageInclusive: top(packagesInclusive, totalUs, 100),
    selfTime: top(self, totalUs, n),
    inclusiveTime: top(inclusive, totalUs, n),
  };
}

function print(title: string, rows: Row[]) {
  console.log(`\n${title}`);
  for (const row of rows) console.log(`${String(row.ms).padStart(10)} ms ${String(row.percent).padStart(5)} %  ${row.name}`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args.find((arg) => !arg.startsWith("--") && args[args.indexOf(arg) - 1] !== "--top");
  if (!file) {
    console.error("usage: tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--top 25] [--json]");
    process.exit(2);
  }
  const topIndex = args.indexOf("--top");
  const summary = summariseProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, topIndex >= 0 ? Number(args[topIndex + 1]) : 25);
  if (args.includes("--json")) console.log(JSON.stringify(summary, null, 2));
  else {
    console.log(`${file}: ${summary.totalMs} ms sampled`);
    print("self time by package", summary.byPackage);
    print("inclusive time by package (on the stack)", summary.packageInclusive);
    print("top functions by self time", summary.selfTime);
    print("top functions by inclusive time", summary.inclusiveTime);
  }
}
