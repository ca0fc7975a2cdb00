import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { pageWeights } from "@/scripts/page-weights";

/** A fake build folder: two routes sharing the framework chunk and one layout chunk. */
function fakeBuild(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "weights-"));
  mkdirSync(path.join(dir, "static", "chunks"), { recursive: true });
  const chunk = (name: string, size: number) => writeFileSync(path.join(dir, "static", "chunks", name), "x".repeat(size));
  chunk("main.js", 1000);
  chunk("layout.js", 200);
  chunk("a.js", 30);
  chunk("b.js", 4000);
  writeFileSync(path.join(dir, "build-manifest.json"), JSON.stringify({ rootMainFiles: ["static/chunks/main.js"] }));
  const manifest = (route: string, files: Record<string, string[]>) => {
    const folder = path.join(dir, "server", "app", ...route.split("/").filter(Boolean));
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, "page_client-reference-manifest.js"),
      `globalThis.__RSC_MANIFEST = globalThis.__RSC_MANIFEST || {}; globalThis.__RSC_MANIFEST[${JSON.stringify(`${route}/page`)}] = ${JSON.stringify({ entryJSFiles: files })};`,
    );
  };
  manifest("/a", { "[project]/app/layout": ["static/chunks/layout.js"], "[project]/app/a/page": ["static/chunks/layout.js", "static/chunks/a.js", "static/chunks/a.css"] });
  manifest("/b", { "[project]/app/layout": ["static/chunks/layout.js"], "[project]/app/b/page": ["static/chunks/b.js"] });
  return dir;
}

it("adds up each route's chunks once: the framework's, its layouts' and its page's (no CSS)", () => {
  const dir = fakeBuild();
  try {
    const gz = (size: number) => gzipSync(Buffer.from("x".repeat(size)), { level: 9 }).length;
    expect(pageWeights(dir)).toEqual([
      { route: "/a", files: 3, bytes: 1230, gzipBytes: gz(1000) + gz(200) + gz(30) },
      { route: "/b", files: 3, bytes: 5200, gzipBytes: gz(1000) + gz(200) + gz(4000) },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
