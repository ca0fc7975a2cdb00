import type { ChildProcess } from "node:child_process";
import { prisma } from "@/lib/db";
import { sendWebhookNotification } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { adminDatabaseUrl, setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { startReceiver, type Receiver } from "../helpers/receiver";
import { spawnWorkerProcess } from "../helpers/worker-process";

/**
 * kill -9 a worker process in the middle of a run, start another: every
 * delivery reaches the receiver at least once, none is lost, and any duplicate
 * carries the same webhook-id (it is the same delivery, retried after its
 * lease expired). Needs PostgreSQL: worker processes share it.
 */
const TOTAL = Number(process.env.FAULT_TEST_DELIVERIES ?? 10_000);
const describePostgres = adminDatabaseUrl() ? describe : describe.skip;
jest.setTimeout(600_000);

setupTestDatabase();
allowLoopbackDelivery();

describePostgres("a worker killed with SIGKILL mid-run", () => {
  let receiver: Receiver;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await receiver.close();
    await closeTransport();
  });

  function startWorkerProcess(): ChildProcess {
    // SIGKILL must hit the worker itself: spawnWorkerProcess starts it as one process.
    const child = spawnWorkerProcess({
      WEBHOOK_WORKER_CONCURRENCY: "100",
      WEBHOOK_ENDPOINT_CONCURRENCY: "1000",
      // A short deadline keeps the lease (deadline + 30 s) short, so the test waits less.
      WEBHOOK_TIMEOUT_MS: "2000",
    });
    children.push(child);
    return child;
  }

  it(`loses none of ${TOTAL} deliveries`, async () => {
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: receiver.url });
    for (let i = 0; i < TOTAL; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, TOTAL - i) }, (_, j) => sendWebhookNotification(org.id, "invoice.settled", `kill-${i + j}`, { i: i + j })));
    }
    const delivered = () => prisma.webhookDelivery.count({ where: { status: "delivered" } });

    const first = startWorkerProcess();
    const deadline = Date.now() + 300_000;
    while ((await delivered()) < TOTAL / 4) {
      if (Date.now() > deadline) throw new Error("the first worker made no progress");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const atKill = await delivered();
    expect(atKill).toBeLessThan(TOTAL); // killed in the middle, with work left

    startWorkerProcess();
    while ((await delivered()) < TOTAL) {
      if (Date.now() > deadline + 120_000) throw new Error(`only ${await delivered()} of ${TOTAL} delivered`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const ids = new Map<string, number>();
    for (const request of receiver.requests) {
      const id = String(request.headers["webhook-id"]);
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
    const rows = await prisma.webhookDelivery.findMany({ select: { id: true, status: true } });
    expect(rows).toHaveLength(TOTAL);
    expect(rows.every((row) => row.status === "delivered")).toBe(true);
    // Every delivery reached the receiver, under its own id; a repeat is the same id again.
    expect(rows.every((row) => (ids.get(row.id) ?? 0) >= 1)).toBe(true);
    const known = new Set(rows.map((row) => row.id));
    expect([...ids.keys()].every((id) => known.has(id))).toBe(true);
    const duplicates = [...ids.values()].filter((count) => count > 1).length;
    console.log(`kill -9 after ${atKill}/${TOTAL} delivered: ${duplicates} delivery(ies) arrived twice (same webhook-id), 0 lost`);
  });
});
