import { createHash } from "node:crypto";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDatabase } from "@/lib/database/connect";
import { applyMigrations, MigrationError, readMigrations, type SqlSession } from "@/lib/database/migrate";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";

interface Session extends SqlSession {
  close(): Promise<void>;
}

/** A raw session on a fresh database of the mode this suite runs in. */
async function freshSession(): Promise<Session> {
  if (adminDatabaseUrl()) {
    const scratch = await createScratchPostgres();
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    return {
      exec: async (sql) => void (await client.query(sql)),
      query: async (sql, params) => (await client.query(sql, params)).rows,
      close: async () => {
        await client.end();
        await scratch.drop();
      },
    };
  }
  const db = new PGlite();
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: async <Row>(sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows,
    close: () => db.close(),
  };
}

let session: Session;
beforeEach(async () => {
  session = await freshSession();
});
afterEach(async () => {
  await session.close();
});

describe("applyMigrations", () => {
  it("applies every migration once and records it the way Prisma Migrate does", async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);

    expect(await applyMigrations(session)).toEqual(files.map((file) => file.name));
    expect(await applyMigrations(session)).toEqual([]);

    const rows = await session.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toHaveLength(files.length);
    for (const [index, row] of rows.entries()) {
      const file = files[index]!;
      expect(row.migration_name).toBe(file.name);
      expect(row.checksum).toBe(createHash("sha256").update(file.sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
    const tables = await session.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables.map((table) => table.tablename)).toContain("Organization");
  });

  it("applies only migrations added since the last run", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    try {
      await mkdir(path.join(directory, "001_first"));
      await writeFile(path.join(directory, "001_first", "migration.sql"), `CREATE TABLE "a" (id INT);`);
      expect(await applyMigrations(session, { directory })).toEqual(["001_first"]);
      await mkdir(path.join(directory, "002_second"));
      await writeFile(path.join(directory, "002_second", "migration.sql"), `CREATE TABLE "b" (id INT); INSERT INTO "b" VALUES (1);`);
      expect(await applyMigrations(session, { directory })).toEqual(["002_second"]);
      expect(await session.query(`SELECT id FROM "b"`)).toEqual([{ id: 1 }]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("rolls back a failing migration completely and refuses to continue past it", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    try {
      await mkdir(path.join(directory, "001_broken"));
      await writeFile(path.join(directory, "001_broken", "migration.sql"), `CREATE TABLE "c" (id INT); SELECT * FROM "missing";`);
      await expect(applyMigrations(session, { directory })).rejects.toThrow(MigrationError);
      const tables = await session.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE tablename = 'c'`);
      expect(tables).toEqual([]);
      const recorded = await session.query(`SELECT * FROM "_prisma_migrations"`);
      expect(recorded).toEqual([]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("moves manual and test attempts of existing deliveries out of the retry schedule's count", async () => {
    const files = await readMigrations();
    const split = files.findIndex((file) => file.name.endsWith("_manual_attempts_apart"));
    expect(split).toBeGreaterThan(0);
    const directory = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    try {
      const copy = async (file: (typeof files)[number]) => {
        await mkdir(path.join(directory, file.name));
        await writeFile(path.join(directory, file.name, "migration.sql"), file.sql);
      };
      for (const file of files.slice(0, split)) await copy(file);
      await applyMigrations(session, { directory });
      // A delivery with three scheduled and two manual attempts, counted together before the split; one with none.
      await session.exec(`
        INSERT INTO "Organization" ("id", "name", "slug") VALUES ('org_1', 'Acme', 'acme');
        INSERT INTO "WebhookEvent" ("id", "organizationId", "eventType", "idempotencyKey", "body") VALUES ('evt_1', 'org_1', 'invoice.paid', 'k1', '{}'), ('evt_2', 'org_1', 'invoice.paid', 'k2', '{}');
        INSERT INTO "WebhookEndpoint" ("id", "organizationId", "url", "secretEncrypted", "updatedAt") VALUES ('ep_1', 'org_1', 'https://a.example/hook', 'x', now());
        INSERT INTO "WebhookDelivery" ("id", "organizationId", "eventId", "endpointId", "event", "idempotencyKey", "attempts", "updatedAt")
             VALUES ('msg_1', 'org_1', 'evt_1', 'ep_1', 'invoice.paid', 'k1', 5, now()), ('msg_2', 'org_1', 'evt_2', 'ep_1', 'invoice.paid', 'k2', 0, now());
        INSERT INTO "WebhookAttempt" ("id", "organizationId", "deliveryId", "endpointId", "number", "trigger", "startedAt", "durationMs", "url", "requestHeaders", "success")
        SELECT 'att_' || n, 'org_1', 'msg_1', 'ep_1', n, (CASE WHEN n IN (2, 4) THEN 'manual' ELSE 'scheduled' END)::"AttemptTrigger", now(), 10, 'https://a.example/hook', '{}', false
          FROM generate_series(1, 5) AS n;`);
      for (const file of files.slice(split)) await copy(file);
      expect(await applyMigrations(session, { directory })).toEqual(files.slice(split).map((file) => file.name));
      expect(await session.query(`SELECT "id", "attempts", "manualAttempts" FROM "WebhookDelivery" ORDER BY "id"`)).toEqual([
        { id: "msg_1", attempts: 3, manualAttempts: 2 },
        { id: "msg_2", attempts: 0, manualAttempts: 0 },
      ]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("stops at a migration Prisma recorded as started but never finished", async () => {
    await applyMigrations(session);
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('00000000-0000-0000-0000-000000000000', 'x', '29990101000000_half_done')`,
    );
    await expect(applyMigrations(session)).rejects.toThrow(/29990101000000_half_done failed earlier/);
  });
});

describe("embedded database on disk", () => {
  it("keeps its data across restarts and migrates only the first time", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "embedded-"));
    try {
      const first = openDatabase({ dataDir });
      expect((await first.migrate()).length).toBeGreaterThan(0);
      await first.prisma.organization.create({ data: { id: "org_persisted", name: "Persisted", slug: "persisted" } });
      await first.close();

      const second = openDatabase({ dataDir });
      expect(await second.migrate()).toEqual([]);
      expect(await second.prisma.organization.findUnique({ where: { slug: "persisted" } })).toMatchObject({ id: "org_persisted" });
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

if (adminDatabaseUrl()) {
  describe("PostgreSQL", () => {
    it("applies each migration once when several processes start at the same moment", async () => {
      const scratch = await createScratchPostgres();
      const databases = [0, 1, 2].map(() => openDatabase({ url: scratch.url, dataDir: "" }));
      try {
        const results = await Promise.all(databases.map((database) => database.migrate()));
        const files = await readMigrations();
        expect(results.flat().sort()).toEqual(files.map((file) => file.name));
        expect(await databases[0]!.prisma.$queryRaw`SELECT count(*)::int AS n FROM "_prisma_migrations"`).toEqual([{ n: files.length }]);
      } finally {
        await Promise.all(databases.map((database) => database.close()));
        await scratch.drop();
      }
    });
  });
}
