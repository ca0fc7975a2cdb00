import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { prisma, getDatabase } from "@/lib/db";
import { EmbeddedDatabaseBusyError, lockEmbeddedDatabase } from "@/lib/database/embedded-lock";
import { adminDatabaseUrl, setupTestDatabase } from "../helpers/database";

const db = setupTestDatabase();

describe("the shared client", () => {
  it("runs real queries in the mode DATABASE_URL selects", async () => {
    expect(getDatabase().mode).toBe(adminDatabaseUrl() ? "postgres" : "embedded");
    await prisma.organization.create({ data: { id: "org_shared", name: "Shared", slug: "shared" } });
    expect(await prisma.organization.findUnique({ where: { slug: "shared" } })).toMatchObject({ id: "org_shared", name: "Shared" });
    const [row] = await prisma.$queryRaw<{ version: string }[]>`SELECT version()`;
    expect(row!.version).toMatch(/PostgreSQL/);
  });

  it("supports interactive transactions that roll back", async () => {
    await db.truncate();
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.organization.create({ data: { id: "org_rolled_back", name: "Gone", slug: "gone" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await prisma.organization.count()).toBe(0);
  });

  it("enforces the unique slug", async () => {
    await db.truncate();
    await prisma.organization.create({ data: { id: "org_a", name: "A", slug: "same" } });
    await expect(prisma.organization.create({ data: { id: "org_b", name: "B", slug: "same" } })).rejects.toMatchObject({ code: "P2002" });
  });
});

// A property of the embedded adapter alone: checked once, in the embedded run.
(adminDatabaseUrl() ? describe.skip : describe)("timestamps in the embedded database", () => {
  it.each(["America/New_York", "Asia/Tokyo"])("read back as written with TZ=%s (typed, raw, in a transaction)", async (zone) => {
    const written = "2026-11-28T12:34:56.789Z";
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "../helpers/timestamp-probe.ts"), written], {
      cwd: path.resolve(__dirname, "../.."),
      env: { PATH: process.env.PATH, TZ: zone, DATA_DIR: "memory://", LOG_LEVEL: "error" } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    expect(JSON.parse(output)).toEqual([written, written, written]);
  });
});

describe("embedded database lock", () => {
  it("refuses a data folder another live process holds, and takes over a stale one", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "lock-"));
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      await writeFile(path.join(dataDir, "owner.pid"), String(holder.pid));
      expect(() => lockEmbeddedDatabase(dataDir)).toThrow(EmbeddedDatabaseBusyError);
      expect(() => lockEmbeddedDatabase(dataDir)).toThrow(new RegExp(`in use by process ${holder.pid}`));

      holder.kill("SIGKILL");
      await new Promise((resolve) => holder.once("exit", resolve));
      const release = lockEmbeddedDatabase(dataDir);
      release();
    } finally {
      holder.kill("SIGKILL");
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
