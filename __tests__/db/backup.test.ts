import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import pg from "pg";
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { exportDatabase, type ExportResult } from "@/lib/database/backup-export";
import { BackupError, CARRIED_TABLES, SKIPPED_TABLES } from "@/lib/database/backup-format";
import { importDatabase, type ImportOptions } from "@/lib/database/backup-import";
import { type Database, openDatabase } from "@/lib/database/connect";
import { closeDatabase, getDatabase, prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { newId } from "@/lib/ids";
import { rotateEndpointSecret, sendWebhookNotification } from "@/lib/webhooks";
import { decryptSecret, generateKeyRingEntry, loadKeyRing, parseKeyRing, resetKeyRing } from "@/lib/webhooks/secrets";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { openHeaders } from "@/lib/webhooks/endpoint-headers";

/**
 * A body a re-serialisation would change: key order, spaces, an escaped and a
 * literal é, an astral character, 1.0, an integer beyond 2^53, escaped CR LF and
 * tab, quotes and backslashes. (Raw line breaks are in a response body below.)
 */
const ODD_BODY = String.raw`{"z":1,  "a":"caf\u00e9 / café ✓ 😀","n":1.0,"big":12345678901234567890,"s":"line\r\nnext\ttab \"q\" \\","nested":{"b":[1, 2 ,3],"a":null}}`;

const work = mkdtempSync(path.join(os.tmpdir(), "backup-test-"));
const sourceDir = path.join(work, "source");
const backup = path.join(work, "backup.jsonl");
const plainGz = path.join(work, "plain.jsonl.gz");
const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR, WEBHOOK_ENCRYPTION_KEYS: process.env.WEBHOOK_ENCRYPTION_KEYS };

let secrets: Map<string, string>;
let oddEventId: string;
let exported: ExportResult;

function restore(name: keyof typeof saved) {
  if (saved[name] === undefined) delete process.env[name];
  else process.env[name] = saved[name];
}

async function seed(): Promise<Map<string, string>> {
  const at = (iso: string) => new Date(iso);
  const acme = await makeOrganization("Acme");
  const globex = await makeOrganization("Globex");
  const users = [
    { id: newId("user"), name: "Ada", email: "ada@acme.example", createdAt: at("2026-11-01T10:00:00.123Z") },
    { id: newId("user"), name: "Zoë", email: "zoe@globex.example", createdAt: at("2026-11-02T11:30:00.999Z") },
  ];
  for (const user of users) {
    await prisma.user.create({ data: { ...user, emailVerified: true } });
    await prisma.account.create({
      data: { id: newId("acct"), accountId: user.id, providerId: "credential", userId: user.id, password: `salt:${user.name}-scrypt-hash` },
    });
  }
  await prisma.member.create({ data: { id: newId("mem"), organizationId: acme.id, userId: users[0]!.id, role: "owner" } });
  await prisma.member.create({ data: { id: newId("mem"), organizationId: globex.id, userId: users[1]!.id, role: "admin" } });
  await prisma.invitation.create({
    data: { id: newId("inv"), organizationId: acme.id, email: "new@acme.example", role: "member", expiresAt: at("2026-12-09T00:00:00.000Z"), inviterId: users[0]!.id },
  });
  await createApiKey({ organizationId: acme.id, name: "ingest", createdById: users[0]!.id });
  await prisma.auditLogEntry.create({
    data: { id: newId("aud"), organizationId: acme.id, actorType: "user", actorUserId: users[0]!.id, actorEmail: "a@acme.example", action: "api_key.created", details: { name: "ingest" }, ipAddress: "203.0.113.1", createdAt: at("2026-12-01T00:00:00.000Z") },
  });
  const revoked = await createApiKey({ organizationId: globex.id, name: "old" });
  await revokeApiKey({ organizationId: globex.id, keyId: revoked.apiKey.id });

  const secrets = new Map<string, string>();
  // Ordered, so its deliveries carry their places in a key's queue (orderSeq) across the move.
  const a = await makeEndpoint({ organizationId: acme.id, url: "https://example.com/hooks/acme", eventTypes: ["invoice.settled"], ordering: "ordered", rateLimitPerSecond: 5 });
  const b = await makeEndpoint({ organizationId: globex.id, url: "https://example.com/hooks/globex", headers: { Authorization: "Bearer backup-check" }, sendTraceparent: true });
  const rotated = await rotateEndpointSecret({ organizationId: globex.id, endpointId: b.endpoint.id });
  secrets.set(a.endpoint.id, a.secret).set(b.endpoint.id, rotated.secret);

  for (let index = 0; index < 5; index++) {
    await sendWebhookNotification(acme.id, "invoice.settled", `inv-${index}`, { invoiceId: `inv_${index}`, amount: index * 100 }, { orderingKey: "acme-invoices" });
  }
  await sendWebhookNotification(globex.id, "order.created", "ord-1", { order: "ord_1" });

  oddEventId = newId("evt");
  await prisma.webhookEvent.create({
    data: { id: oddEventId, organizationId: globex.id, eventType: "order.updated", idempotencyKey: "odd-body", body: ODD_BODY, createdAt: at("2026-11-28T12:00:00.007Z"),
      // The trace its attempts continue travels too.
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
  });
  const deliveryId = newId("msg");
  await prisma.webhookDelivery.create({
    data: {
      id: deliveryId, organizationId: globex.id, eventId: oddEventId, endpointId: b.endpoint.id, event: "order.updated", idempotencyKey: "odd-body",
      status: "delivered", attempts: 2, lastStatusCode: 200, createdAt: at("2026-11-28T12:00:00.007Z"), deliveredAt: at("2026-11-28T12:00:05.321Z"),
    },
  });
  await prisma.webhookAttempt.createMany({
    data: [
      {
        id: newId("att"), organizationId: globex.id, deliveryId, endpointId: b.endpoint.id, number: 1, trigger: "scheduled", startedAt: at("2026-11-28T12:00:00.010Z"),
        durationMs: 31, url: b.endpoint.url, requestHeaders: { "webhook-id": deliveryId, "webhook-signature": "v1,***" }, statusCode: 503,
        responseHeaders: { "retry-after": "5", "x-n": "1.0" }, responseBody: "try later\r\n✓\n", errorCode: null, success: false,
      },
      {
        id: newId("att"), organizationId: globex.id, deliveryId, endpointId: b.endpoint.id, number: 2, trigger: "manual", startedAt: at("2026-11-28T12:00:05.300Z"),
        durationMs: 21, url: b.endpoint.url, requestHeaders: { "webhook-id": deliveryId }, statusCode: 200, responseBody: "", responseBodyTruncated: true, success: true,
      },
    ],
  });
  await prisma.webhookCircuit.create({ data: { key: a.endpoint.id, state: "open", consecutiveFailures: 5, openedAt: at("2026-11-28T13:00:00.000Z"), probeAt: at("2026-11-28T13:01:00.000Z") } });
  await prisma.webhookAlert.create({ data: { id: newId("alert"), organizationId: acme.id, kind: "circuit_open", subject: a.endpoint.id, severity: "warning", message: "circuit open" } });
  await prisma.webhookAlert.create({ data: { id: newId("alert"), organizationId: null, kind: "backlog_age", subject: "platform", severity: "critical", message: "backlog", resolvedAt: at("2026-11-29T00:00:00.000Z") } });

  await prisma.user.update({ where: { id: users[1]!.id }, data: { lastOrganizationId: globex.id } });
  const inbox = await prisma.devInbox.create({ data: { id: newId("inbox"), organizationId: acme.id, token: "t".repeat(32), label: "Demo receiver", lastSeq: 1 } });
  await prisma.devInboxRequest.create({
    data: { id: newId("req"), inboxId: inbox.id, seq: 1, method: "POST", headers: { "content-type": "application/json" }, body: ODD_BODY, legacySignatureValid: true, matchedEndpointId: a.endpoint.id },
  });

  // Not carried: sessions, verification tokens, worker state.
  await prisma.session.create({ data: { id: newId("sess"), token: "tok", userId: users[0]!.id, expiresAt: at("2026-12-31T00:00:00.000Z") } });
  await prisma.verification.create({ data: { id: newId("ver"), identifier: "x", value: "y", expiresAt: at("2026-12-31T00:00:00.000Z") } });
  await prisma.workerHeartbeat.create({ data: { workerId: "w1", startedAt: new Date(), lastSeenAt: new Date(), counters: {} } });
  await prisma.scheduledJob.create({ data: { name: "retention", lastRunAt: new Date() } });
  await prisma.webhookRateLimit.create({ data: { endpointId: a.endpoint.id, nextStartAt: new Date() } });
  // A deletion in its grace period travels with the backup, so the erasure still happens after a move.
  await prisma.organization.update({ where: { id: globex.id }, data: { deletionScheduledAt: at("2026-12-01T12:00:00.000Z") } });
  return secrets;
}

/** Every row of every carried table, as PostgreSQL renders it (exact text), table by table in key order. */
async function dump(database: Database): Promise<Record<string, string[]>> {
  return database.withSession(async (session) => {
    const tables: Record<string, string[]> = {};
    for (const { table, key } of CARRIED_TABLES) {
      const rows = await session.query<{ json: string }>(`SELECT row_to_json(t)::text AS json FROM (SELECT * FROM "${table}" ORDER BY "${key}") t`);
      tables[table] = rows.map((row) => row.json);
    }
    return tables;
  });
}

async function rowCounts(database: Database): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await dump(database)).map(([table, rows]) => [table, rows.length]));
}

/** Checks the target against the source: every carried row identical, nothing skipped carried, secrets still open. */
async function expectSameData(target: Database, keyRing: ReturnType<typeof loadKeyRing>) {
  const source = await dump(getDatabase());
  const copied = await dump(target);
  for (const { table } of CARRIED_TABLES) expect({ table, rows: copied[table] }).toEqual({ table, rows: source[table] });
  expect(source.WebhookAttempt).toHaveLength(2);
  expect(source.WebhookDelivery!.length).toBeGreaterThanOrEqual(6);

  // Read back through Prisma too: the body is the same string, byte for byte.
  const event = await target.prisma.webhookEvent.findUniqueOrThrow({ where: { id: oddEventId } });
  expect(Buffer.from(event.body, "utf8").equals(Buffer.from(ODD_BODY, "utf8"))).toBe(true);
  expect(await target.prisma.user.findMany({ orderBy: { id: "asc" } })).toEqual(await prisma.user.findMany({ orderBy: { id: "asc" } }));

  for (const model of ["session", "verification", "workerHeartbeat", "scheduledJob", "webhookRateLimit"] as const) {
    expect(await (target.prisma[model] as { count(): Promise<number> }).count()).toBe(0);
  }
  // A delivery ordered after the import queues behind the imported ones of its key.
  const [{ imported }] = (await target.prisma.$queryRawUnsafe<{ imported: string }[]>(`SELECT max("orderSeq")::text AS "imported" FROM "WebhookDelivery"`)) as [{ imported: string }];
  expect(Number(imported)).toBeGreaterThan(0);
  const [{ next }] = (await target.prisma.$queryRawUnsafe<{ next: string }[]>(`SELECT nextval('"WebhookDelivery_orderSeq_seq"')::text AS "next"`)) as [{ next: string }];
  expect(Number(next)).toBeGreaterThan(Number(imported));
  const endpoints = await target.prisma.webhookEndpoint.findMany();
  expect(endpoints).toHaveLength(2);
  for (const endpoint of endpoints) expect(decryptSecret(endpoint.secretEncrypted, endpoint.id, keyRing)).toBe(secrets.get(endpoint.id));
  expect(endpoints.some((endpoint) => endpoint.previousSecretEncrypted !== null)).toBe(true);
  // Custom headers travel sealed and open with the target's key.
  const withHeaders = endpoints.find((endpoint) => endpoint.headersEncrypted !== null)!;
  expect(openHeaders(withHeaders, keyRing)).toEqual({ Authorization: "Bearer backup-check" });
}

async function rejection(promise: Promise<unknown>): Promise<BackupError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

/** Rewrites a backup's lines with `edit` and recomputes its closing line, as a careful forger would. */
function rewrite(from: string, to: string, edit: (lines: string[]) => string[]) {
  const lines = readFileSync(from, "utf8").split("\n").slice(0, -2);
  const edited = edit(lines);
  const end = JSON.parse(readFileSync(from, "utf8").split("\n").at(-2)!) as { end: { rows: Record<string, number> } };
  const rows: Record<string, number> = Object.fromEntries(Object.keys(end.end.rows).map((table) => [table, 0]));
  for (const line of edited.slice(1)) rows[(JSON.parse(line) as { t: string }).t]! += 1;
  const body = edited.map((line) => `${line}\n`).join("");
  writeFileSync(to, `${body}${JSON.stringify({ end: { rows, sha256: createHash("sha256").update(body).digest("hex") } })}\n`);
}

const sourceKeyRing = () => loadKeyRing({ production: false, dataDir: sourceDir });
const embeddedTarget = (name: string): Pick<ImportOptions, "open" | "dataDir"> => {
  const dataDir = path.join(work, name);
  return { dataDir, open: () => openDatabase({ dataDir }) };
};

beforeAll(async () => {
  // The source is what `npm start` leaves in development: an embedded database on disk with its local key file.
  await closeDatabase();
  delete process.env.DATABASE_URL;
  delete process.env.WEBHOOK_ENCRYPTION_KEYS;
  process.env.DATA_DIR = sourceDir;
  resetEnvCache();
  resetKeyRing();
  await getDatabase().migrate();
  secrets = await seed();
  writeFileSync(path.join(sourceDir, "auth-secret"), "auth-secret-of-the-source");
  exported = await exportDatabase({ database: getDatabase(), file: backup, localSecretsDir: sourceDir, batchRows: 3 });
  await exportDatabase({ database: getDatabase(), file: plainGz });
});

afterAll(async () => {
  await closeDatabase();
  restore("DATABASE_URL");
  restore("DATA_DIR");
  restore("WEBHOOK_ENCRYPTION_KEYS");
  resetEnvCache();
  resetKeyRing();
  rmSync(work, { recursive: true, force: true });
});

describe("db:export", () => {
  it("writes a header with the schema version, every carried row, and a closing line", async () => {
    const lines = readFileSync(backup, "utf8").split("\n");
    expect(lines.at(-1)).toBe("");
    const header = JSON.parse(lines[0]!);
    const migrations = await getDatabase().withSession((session) => session.query<{ name: string }>(`SELECT migration_name AS name FROM "_prisma_migrations" ORDER BY 1`));
    expect(header).toMatchObject({ format: "webhook-platform-backup", version: 1, source: "embedded", migrations: migrations.map((row) => row.name), encryptionKeyIds: ["local"] });
    expect(Object.keys(header.skipped).sort()).toEqual(Object.keys(SKIPPED_TABLES).sort());
    expect(Object.keys(header.localFiles).sort()).toEqual(["auth-secret", "encryption-key"]);
    expect(exported.rows).toEqual(await rowCounts(getDatabase()));
    // Bodies are carried as PostgreSQL's JSON string of the stored text.
    expect(lines.find((line) => line.includes(oddEventId) && line.startsWith('{"t":"WebhookEvent"'))).toContain(JSON.stringify(ODD_BODY));
    expect(JSON.parse(lines.at(-2)!)).toEqual({ end: { rows: exported.rows, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it("gzips a .gz file, without local secrets unless asked", () => {
    const lines = gunzipSync(readFileSync(plainGz)).toString("utf8").split("\n");
    expect(JSON.parse(lines[0]!).localFiles).toBeUndefined();
    expect(lines.length).toBe(readFileSync(backup, "utf8").split("\n").length);
  });

  it("refuses to overwrite a file, and refuses a table it does not know", async () => {
    expect((await rejection(exportDatabase({ database: getDatabase(), file: backup }))).code).toBe("file_exists");
    await prisma.$executeRawUnsafe(`CREATE TABLE "Unlisted" (id int)`);
    try {
      await expect(exportDatabase({ database: getDatabase(), file: path.join(work, "unlisted.jsonl") })).rejects.toThrow(/Unlisted are neither carried nor skipped/);
      expect(existsSync(path.join(work, "unlisted.jsonl"))).toBe(false);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TABLE "Unlisted"`);
    }
  });
});

describe("db:import into a fresh embedded database", () => {
  const target = embeddedTarget("target-embedded");

  it("loads every row as it was, restores the local key, and the secrets still decrypt", async () => {
    const result = await importDatabase({ file: backup, ...target, batchRows: 2 });
    expect(result.rows).toEqual(exported.rows);
    expect(result.applied).toEqual(exported.migrations);
    expect(result.localFilesWritten.sort()).toEqual(["auth-secret", "encryption-key"]);
    expect(readFileSync(path.join(target.dataDir, "encryption-key"), "utf8")).toBe(readFileSync(path.join(sourceDir, "encryption-key"), "utf8"));
    const database = target.open();
    try {
      await expectSameData(database, loadKeyRing({ production: false, dataDir: target.dataDir }));
    } finally {
      await database.close();
    }
  });

  it("refuses to import into it again, and changes nothing", async () => {
    const before = await (async () => {
      const database = target.open();
      try {
        return await dump(database);
      } finally {
        await database.close();
      }
    })();
    expect((await rejection(importDatabase({ file: backup, ...target }))).message).toMatch(/not empty .*never merges/);
    const database = target.open();
    try {
      expect(await dump(database)).toEqual(before);
    } finally {
      await database.close();
    }
  });
});

describe("db:import refuses bad input and writes nothing", () => {
  /** A fresh target folder that must still not exist after the refusal. */
  async function refusedInto(file: string, extra: Partial<ImportOptions> = {}): Promise<BackupError> {
    const target = embeddedTarget(`refused-${Math.random().toString(36).slice(2)}`);
    const error = await rejection(importDatabase({ file, ...target, keyRing: sourceKeyRing(), ...extra }));
    expect(existsSync(target.dataDir)).toBe(false);
    return error;
  }

  it("a missing file, or one that is not a backup", async () => {
    expect((await refusedInto(path.join(work, "missing.jsonl"))).code).toBe("file_not_found");
    writeFileSync(path.join(work, "notes.txt"), "hello\n");
    expect((await refusedInto(path.join(work, "notes.txt"))).code).toBe("not_a_backup");
    writeFileSync(path.join(work, "empty.jsonl"), "");
    expect((await refusedInto(path.join(work, "empty.jsonl"))).code).toBe("not_a_backup");
  });

  it.each([0.01, 0.5, 0.999])("a file cut at %p of its length", async (fraction) => {
    const bytes = readFileSync(backup);
    const cut = path.join(work, `cut-${fraction}.jsonl`);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * fraction)));
    const error = await refusedInto(cut);
    expect(error.code).toBe("damaged");
    expect(error.message).toMatch(/truncated/);
  });

  it("a cut gzip file", async () => {
    const bytes = readFileSync(plainGz);
    const cut = path.join(work, "cut.jsonl.gz");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 20));
    expect((await refusedInto(cut)).code).toBe("damaged");
  });

  it("a file changed after export, even when every line is still valid JSON", async () => {
    const text = readFileSync(backup, "utf8");
    const changed = path.join(work, "changed.jsonl");
    expect(text).toContain("café");
    writeFileSync(changed, text.replace("café", "cafe"));
    expect((await refusedInto(changed)).message).toMatch(/SHA-256 does not match/);
    writeFileSync(changed, text.replace('"source":"embedded"', '"source":"embedded" '));
    expect((await refusedInto(changed)).code).toBe("damaged");
  });

  it("a backup from another schema version", async () => {
    const migrations = path.join(work, "newer-migrations");
    cpSync(path.join(process.cwd(), "prisma", "migrations"), migrations, { recursive: true });
    mkdirSync(path.join(migrations, "29990101000000_future"));
    writeFileSync(path.join(migrations, "29990101000000_future", "migration.sql"), `CREATE TABLE "Future" (id int);`);
    const error = await refusedInto(backup, { migrationsDirectory: migrations });
    expect(error.code).toBe("schema_mismatch");
    expect(error.message).toMatch(/this release is at 29990101000000_future/);
  });

  it("a target without the key the secrets are encrypted under, or with another key of that id", async () => {
    // plain.jsonl.gz carries no local key; the fresh target folder has none either.
    const error = await refusedInto(plainGz, { keyRing: undefined });
    expect(error.code).toBe("encryption_key_mismatch");
    expect(error.message).toMatch(/key id "local".*WEBHOOK_ENCRYPTION_KEYS/);
    const otherLocal = parseKeyRing(generateKeyRingEntry("local"));
    expect((await refusedInto(backup, { keyRing: otherLocal })).message).toMatch(/does not decrypt/);
    expect((await refusedInto(backup, { keyRing: parseKeyRing(generateKeyRingEntry("other")) })).message).toMatch(/lack "local"/);
  });

  it("a load that fails half-way leaves nothing behind (one transaction)", async () => {
    // A duplicated organization (with a correct checksum) fails on its second INSERT.
    const duplicated = path.join(work, "duplicated.jsonl");
    rewrite(backup, duplicated, (lines) => {
      const organization = lines.find((line) => line.startsWith('{"t":"Organization"'))!;
      return lines.flatMap((line) => (line === organization ? [line, line] : [line]));
    });
    const target = embeddedTarget("half-way");
    await expect(importDatabase({ file: duplicated, ...target, keyRing: sourceKeyRing(), batchRows: 1 })).rejects.toThrow();
    const database = target.open();
    try {
      expect(Object.values(await rowCounts(database)).every((count) => count === 0)).toBe(true);
    } finally {
      await database.close();
    }
  });
});

if (adminDatabaseUrl()) {
  describe("db:import into a fresh PostgreSQL database", () => {
    it("loads every row as it was; a second import and a damaged file are refused without a change", async () => {
      const scratch = await createScratchPostgres();
      const dataDir = path.join(work, "postgres-data-dir");
      const open = () => openDatabase({ url: scratch.url, dataDir });
      try {
        // As with WEBHOOK_ENCRYPTION_KEYS set to the source's key: the key file is not written, the other local files are.
        const cut = path.join(work, "cut-for-postgres.jsonl");
        writeFileSync(cut, readFileSync(backup).subarray(0, 4000));
        expect((await rejection(importDatabase({ file: cut, open, dataDir, keyRing: sourceKeyRing() }))).code).toBe("damaged");
        const client = new pg.Client({ connectionString: scratch.url });
        await client.connect();
        try {
          expect((await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows).toEqual([{ n: 0 }]);
        } finally {
          await client.end();
        }

        const result = await importDatabase({ file: backup, open, dataDir, keyRing: sourceKeyRing(), configured: ["encryption-key"] });
        expect(result.rows).toEqual(exported.rows);
        expect(result.localFilesWritten).toEqual(["auth-secret"]);
        expect(existsSync(path.join(dataDir, "encryption-key"))).toBe(false);

        const database = open();
        try {
          await expectSameData(database, sourceKeyRing());
          const before = await dump(database);
          expect((await rejection(importDatabase({ file: backup, open, dataDir, keyRing: sourceKeyRing() }))).code).toBe("not_empty");
          expect(await dump(database)).toEqual(before);
        } finally {
          await database.close();
        }
      } finally {
        await scratch.drop();
      }
    });
  });
}
