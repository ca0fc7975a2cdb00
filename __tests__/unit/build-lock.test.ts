import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildState, ensureBuild, isBuildCurrent, sourceHash, stampPath } from "@/lib/build-stamp";

/** A checkout with one source file and no build yet. */
function checkout(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "build-lock-"));
  mkdirSync(path.join(root, "app"));
  writeFileSync(path.join(root, "app", "page.tsx"), "export default function Page() { return null; }\n");
  return root;
}

/** What `next build` leaves behind, for the fake builds here. */
function fakeBuild(root: string) {
  mkdirSync(path.join(root, ".next"), { recursive: true });
  writeFileSync(path.join(root, ".next", "BUILD_ID"), "test");
}

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

describe("ensureBuild", () => {
  it("builds once, stamps the sources, and builds again only when they change or when forced", async () => {
    const root = checkout();
    roots.push(root);
    let builds = 0;
    const build = () => {
      builds++;
      fakeBuild(root);
    };
    expect(await ensureBuild(root, build)).toBe(true);
    expect(isBuildCurrent(root)).toBe(true);
    expect(await ensureBuild(root, build)).toBe(false);
    writeFileSync(path.join(root, "app", "page.tsx"), "export default function Page() { return 1; }\n");
    expect(await ensureBuild(root, build)).toBe(true);
    expect(builds).toBe(2);
    // `npm run build -- --force`: a build of these very sources is made again.
    expect(await ensureBuild(root, build, { force: true })).toBe(true);
    expect(builds).toBe(3);
    expect(isBuildCurrent(root)).toBe(true);
  });

  it("waits while another live process holds the lock, then uses the build it made", async () => {
    const root = checkout();
    roots.push(root);
    const lock = path.join(root, ".next-build.lock");
    mkdirSync(lock);
    writeFileSync(path.join(lock, "pid"), String(process.pid)); // a live process
    let built = false;
    const waiting = ensureBuild(root, () => (built = true), { pollMs: 20 });
    // The other process finishes its build and lets go of the lock.
    await new Promise((resolve) => setTimeout(resolve, 100));
    fakeBuild(root);
    writeFileSync(stampPath(root), sourceHash(root));
    rmSync(lock, { recursive: true });
    expect(await waiting).toBe(false);
    expect(built).toBe(false);
  });

  it("takes over a lock left by a process that died", async () => {
    const root = checkout();
    roots.push(root);
    const lock = path.join(root, ".next-build.lock");
    mkdirSync(lock);
    writeFileSync(path.join(lock, "pid"), "2147483646"); // no such process
    expect(await ensureBuild(root, () => fakeBuild(root), { pollMs: 20 })).toBe(true);
    expect(isBuildCurrent(root)).toBe(true);
  });

});

describe("buildState (what npm run start:web refuses)", () => {
  it("is missing without a build, current after one, stale once a source changes", async () => {
    const root = checkout();
    roots.push(root);
    expect(buildState(root)).toBe("missing");
    await ensureBuild(root, () => fakeBuild(root));
    expect(buildState(root)).toBe("current");
    writeFileSync(path.join(root, "app", "page.tsx"), "export default function Page() { return 2; }\n");
    expect(buildState(root)).toBe("stale");
  });

  it("calls a build made without the stamp stale: its sources are unknown", () => {
    const root = checkout();
    roots.push(root);
    fakeBuild(root);
    expect(buildState(root)).toBe("stale");
  });
});
