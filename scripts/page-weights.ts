import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import vm from "node:vm";

/**
 * JavaScript each page route sends to the browser, from the last `next build`
 * (Next 16 with Turbopack prints no sizes): the framework's main chunks plus
 * every chunk the route's layouts, error boundaries and page list in its
 * client reference manifest. Raw and gzip bytes, per route, as a table or JSON.
 *
 * Usage: `npm run page-weights [-- --json] [-- --dir <.next folder>]`
 */

interface Weight {
  route: string;
  files: number;
  bytes: number;
  gzipBytes: number;
}

function manifests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...manifests(full));
    else if (entry === "page_client-reference-manifest.js") found.push(full);
  }
  return found;
}

/** The manifests are scripts that assign `globalThis.__RSC_MANIFEST[route]`; run each in an empty context. */
function readManifest(file: string): Record<string, { entryJSFiles?: Record<string, string[]> }> {
  const context: Record<string, unknown> = {};
  context.globalThis = context;
  context.self = context;
  vm.runInNewContext(readFileSync(file, "utf8"), context);
  return (context.__RSC_MANIFEST ?? {}) as Record<string, { entryJSFiles?: Record<string, string[]> }>;
}

export function pageWeights(nextDir: string): Weight[] {
  const buildManifest = JSON.parse(readFileSync(path.join(nextDir, "build-manifest.json"), "utf8")) as { rootMainFiles?: string[] };
  const sizes = new Map<string, { bytes: number; gzipBytes: number }>();
  const size = (file: string) => {
    let known = sizes.get(file);
    if (!known) {
      const content = readFileSync(path.join(nextDir, file));
      known = { bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
      sizes.set(file, known);
    }
    return known;
  };
  const weights: Weight[] = [];
  for (const file of manifests(path.join(nextDir, "server", "app"))) {
    for (const [route, manifest] of Object.entries(readManifest(file))) {
      const files = new Set([...(buildManifest.rootMainFiles ?? []), ...Object.values(manifest.entryJSFiles ?? {}).flat()].filter((name) => name.endsWith(".js")));
      let bytes = 0;
      let gzipBytes = 0;
      for (const name of files) {
        const known = size(name);
        bytes += known.bytes;
        gzipBytes += known.gzipBytes;
      }
      weights.push({ route: route.replace(/\/page$/, "") || "/", files: files.size, bytes, gzipBytes });
    }
  }
  return weights.sort((a, b) => a.route.localeCompare(b.route));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const dirIndex = args.indexOf("--dir");
  const nextDir = path.resolve(dirIndex >= 0 ? args[dirIndex + 1]! : ".next");
  const weights = pageWeights(nextDir);
  if (weights.length === 0) {
    console.error(`No page manifests under ${nextDir}: run \`npm run build\` (or \`npm start\`) first.`);
    process.exit(1);
  }
  if (args.includes("--json")) {
    console.log(JSON.stringify(weights, null, 2));
  } else {
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const width = Math.max(...weights.map((weight) => weight.route.length));
    console.log(`${"Route".padEnd(width)}  ${"JS".padStart(10)}  ${"gzip".padStart(10)}  files`);
    for (const weight of weights) console.log(`${weight.route.padEnd(width)}  ${kib(weight.bytes).padStart(10)}  ${kib(weight.gzipBytes).padStart(10)}  ${weight.files}`);
  }
}
