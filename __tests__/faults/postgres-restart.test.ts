import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { closeDatabase, getDatabase, prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { sendWebhookNotification } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { adminDatabaseUrl } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { postgresBinaries, startPostgresInstance, type PostgresInstance } from "../helpers/postgres-instance";
import { startReceiver, type Receiver } from "../helpers/receiver";

/**
 * PostgreSQL restarts in the middle of a run — once cleanly (`fast`: every
 * session is cut off) and once as a crash (`immediate`: recovery from the
 * WAL) — under two worker processes. The workers back off while the server is
 * away, then finish: every delivery delivered, none lost, each webhook-id one
 * the database knows. Runs on a server of its own, never the shared one.
 */
const TOTAL = Number(process.env.FAULT_TEST_DELIVERIES ?? 4_000);
const describeServer = adminDatabaseUrl() && postgresBinaries() ? describe : describe.skip;
jest.setTimeout(300_000);
allowLoopbackDelivery();

describeServer("PostgreSQL restarted in the middle of a run", () => {
  let instance: PostgresInstance;
  let receiver: Receiver;
  const workers: { child: ChildProcess; output: string[] }[] = [];

  beforeAll(async () => {
    instance = await startPostgresInstance();
    await closeDatabase();
    process.env.DATABASE_URL = instance.url;
    resetEnvCache();
    await getDatabase().migrate();
    // Slow enough that the run is still going when the server goes away.
    receiver = await startReceiver((_request, _index, res) => {
      setTimeout(() => res.writeHead(200).end("ok"), 25);
    });
  });
  afterAll(async () => {
    for (const { child } of workers) child.kill("SIGKILL");
    await receiver?.close();
    await closeTransport();
    await closeDatabase();
    await instance?.stop();
    resetEnvCache();
  });

  function startWorkerProcess() {
    const output: string[] = [];
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve(__dirname, "../../scripts/worker.ts")], {
      cwd: path.resolve(__dirname, "../.."),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: instance.url,
        DATABASE_POOL_SIZE: "5",
        WEBHOOK_ALLOW_PRIVATE_NETWORK: "true",
        WEBHOOK_WORKER_CONCURRENCY: "20",
        WEBHOOK_ENDPOINT_CONCURRENCY: "1000",
        WEBHOOK_TIMEOUT_MS: "2000",
        LOG_LEVEL: "warn",
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    workers.push({ child, output });
  }

  /** Delivered count, or -1 while the server is away (this process's pool sees the restart too). */
  const delivered = () => prisma.webhookDelivery.count({ where: { status: "delivered" } }).catch(() => -1);
  async function waitForDelivered(atLeast: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    let count = await delivered();
    while (count < atLeast) {
      if (Date.now() > deadline) throw new Error(`only ${count} of ${atLeast} delivered in time`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      count = await delivered();
    }
    return count;
  }

  it(`delivers all ${TOTAL} with nothing lost, after a clean restart and a crash`, async () => {
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    for (let i = 0; i < TOTAL; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, TOTAL - i) }, (_, j) => sendWebhookNotification(org.id, "invoice.settled", `restart-${i + j}`, { i: i + j })));
    }
    startWorkerProcess();
    startWorkerProcess();

    const beforeRestart = await waitForDelivered(TOTAL / 4, 120_000);
    await instance.restart({ mode: "fast", downMs: 3_000 });
    const beforeCrash = await waitForDelivered(Math.max(beforeRestart + 1, (TOTAL * 3) / 5), 120_000);
    await instance.restart({ mode: "immediate", downMs: 3_000 });
    await waitForDelivered(TOTAL, 180_000);

    // Both restarts happened mid-run, and the workers rode them out.
    expect(beforeRestart).toBeLessThan(TOTAL);
    expect(beforeCrash).toBeLessThan(TOTAL);
    for (const { child, output } of workers) {
      expect(child.exitCode).toBeNull();
      // Each saw the outage: a claim backed off, or an attempt's write was retried.
      expect(output.join("")).toMatch(/backing off|recording an attempt failed; retrying/);
    }

    const rows = await prisma.webhookDelivery.findMany({ select: { id: true, status: true, attempts: true } });
    expect(rows).toHaveLength(TOTAL);
    expect(rows.filter((row) => row.status !== "delivered")).toEqual([]);
    const seen = new Map<string, number>();
    for (const request of receiver.requests) {
      const id = String(request.headers["webhook-id"]);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const known = new Set(rows.map((row) => row.id));
    expect(rows.every((row) => (seen.get(row.id) ?? 0) >= 1)).toBe(true);
    expect([...seen.keys()].filter((id) => !known.has(id))).toEqual([]);
    const repeats = [...seen.values()].filter((count) => count > 1).length;
    console.log(`restart at ${beforeRestart}/${TOTAL}, crash at ${beforeCrash}/${TOTAL}: all delivered, ${repeats} sent twice (same webhook-id), 0 lost`);
  });
});
