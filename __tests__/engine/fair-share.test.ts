import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { prisma } from "@/lib/db";
import { sendWebhookNotification, startWorker, type WorkerHandle } from "@/lib/webhooks";
import { claimDueDeliveries } from "@/lib/webhooks/worker";
import { adminDatabaseUrl } from "../helpers/database";
import { setupEngineTest } from "../helpers/engine";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { eventually } from "../helpers/eventually";

/**
 * Worker slots are shared fairly between organizations: a tenant with a deep
 * backlog of slow deliveries cannot make another tenant's event wait behind it,
 * and a tenant alone may still use every slot. Checked by the order of events
 * (which request reached which receiver first), never by timings.
 */
const { receiver: startOne } = setupEngineTest();
// Worker processes start slowly on a loaded CI machine (the fault tests run beside this file): generous bounds, no timings.
jest.setTimeout(600_000);

/** A receiver that answers 200 after `delayMs`. */
function receiver(delayMs = 0) {
  return startOne((_request, _index, res) => {
    setTimeout(() => {
      res.writeHead(200);
      res.end("ok");
    }, delayMs);
  });
}

async function backlog(organizationId: string, count: number, prefix: string, event = "order.created") {
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => sendWebhookNotification(organizationId, event, `${prefix}-${i + j}`, { i: i + j })));
  }
}

describe("the claim shares slots between organizations", () => {
  it("gives a newer event of a second organization a slot in the first claim, ahead of an older backlog", async () => {
    const target = await receiver();
    const busy = await makeOrganization("Busy");
    const quiet = await makeOrganization("Quiet");
    await makeEndpoint({ organizationId: busy.id, url: target.url });
    await makeEndpoint({ organizationId: quiet.id, url: target.url });
    await backlog(busy.id, 60, "busy");
    await sendWebhookNotification(quiet.id, "order.created", "quiet-1", {});

    const claimed = await claimDueDeliveries(10, { workerId: "w1", endpointConcurrency: 1_000 });
    expect(claimed).toHaveLength(10);
    expect(claimed.map((lease) => lease.organizationId).filter((id) => id === quiet.id)).toHaveLength(1);
  });

  it("gives free slots to the organization with fewer attempts in flight", async () => {
    const target = await receiver();
    const busy = await makeOrganization("Busy");
    const quiet = await makeOrganization("Quiet");
    await makeEndpoint({ organizationId: busy.id, url: target.url });
    await makeEndpoint({ organizationId: quiet.id, url: target.url });
    await backlog(busy.id, 30, "busy");
    // Busy takes 8 slots while it is alone.
    const first = await claimDueDeliveries(8, { workerId: "w1", endpointConcurrency: 1_000 });
    expect(first.map((lease) => lease.organizationId)).toEqual(Array(8).fill(busy.id));
    await backlog(quiet.id, 10, "quiet");

    // 6 free slots: quiet is owed them all (0 in flight against busy's 8).
    const second = await claimDueDeliveries(6, { workerId: "w2", endpointConcurrency: 1_000 });
    expect(second.map((lease) => lease.organizationId)).toEqual(Array(6).fill(quiet.id));
    // 6 more: quiet has 6 in flight, busy 8, so quiet gets the next 2 and then they alternate.
    const third = await claimDueDeliveries(6, { workerId: "w3", endpointConcurrency: 1_000 });
    const quietShare = third.filter((lease) => lease.organizationId === quiet.id).length;
    expect(quietShare).toBe(4);
  });

  it("lets one organization use every slot while nobody else has due work", async () => {
    const target = await receiver();
    const busy = await makeOrganization("Busy");
    const idle = await makeOrganization("Idle");
    await makeEndpoint({ organizationId: busy.id, url: target.url });
    await makeEndpoint({ organizationId: idle.id, url: target.url });
    await backlog(busy.id, 40, "busy");
    // Idle has a retry scheduled for later: pending, but not due.
    await sendWebhookNotification(idle.id, "order.created", "later", {});
    await prisma.webhookDelivery.updateMany({ where: { organizationId: idle.id }, data: { nextAttemptAt: new Date(Date.now() + 3_600_000) } });

    const claimed = await claimDueDeliveries(25, { workerId: "w1", endpointConcurrency: 1_000 });
    expect(claimed).toHaveLength(25);
    expect(claimed.map((lease) => lease.organizationId)).toEqual(Array(25).fill(busy.id));
  });

  it("caps one organization's attempts in flight across workers", async () => {
    const target = await receiver();
    const busy = await makeOrganization("Busy");
    const other = await makeOrganization("Other");
    await makeEndpoint({ organizationId: busy.id, url: target.url });
    await makeEndpoint({ organizationId: other.id, url: target.url });
    await backlog(busy.id, 20, "busy");
    await backlog(other.id, 2, "other");

    const options = { endpointConcurrency: 1_000, organizationConcurrency: 5 };
    const first = await claimDueDeliveries(4, { ...options, workerId: "w1" });
    const second = await claimDueDeliveries(10, { ...options, workerId: "w2" });
    const owners = [...first, ...second].map((lease) => lease.organizationId);
    expect(owners.filter((id) => id === busy.id)).toHaveLength(5);
    expect(owners.filter((id) => id === other.id)).toHaveLength(2);
    // At its cap, busy gets nothing more until an attempt finishes.
    expect(await claimDueDeliveries(10, { ...options, workerId: "w3" })).toHaveLength(0);
  });
});

const SLOW_MS = 100;
const A_EVENTS = 200;
const A_ENDPOINTS = 5;

/**
 * Tenant A: 5 slow endpoints and a 200-event backlog (1 000 deliveries). Tenant B sends
 * one event once A's deliveries are under way. With two workers, B's event must be
 * attempted before half of A's backlog has been.
 */
async function twoTenants(startWorkers: () => Promise<() => Promise<void>>) {
  const slowA = await receiver(SLOW_MS);
  const targetB = await receiver();
  const tenantA = await makeOrganization("Tenant A");
  const tenantB = await makeOrganization("Tenant B");
  for (let i = 0; i < A_ENDPOINTS; i++) await makeEndpoint({ organizationId: tenantA.id, url: `${slowA.url}?endpoint=${i}` });
  await makeEndpoint({ organizationId: tenantB.id, url: targetB.url });
  await backlog(tenantA.id, A_EVENTS, "a");
  const total = A_EVENTS * A_ENDPOINTS;

  const stop = await startWorkers();
  try {
    await eventually(() => slowA.requests.length >= 20, 300_000, "tenant A's deliveries under way");
    await sendWebhookNotification(tenantB.id, "order.created", "b-1", { tenant: "B" });
    await eventually(() => targetB.requests.length === 1, 240_000, "tenant B's event attempted");
    const aBeforeB = slowA.requests.length;
    expect(aBeforeB).toBeLessThan(total / 2);
    return { aBeforeB, total };
  } finally {
    await stop();
  }
}

describe("two tenants, one with a deep backlog of slow deliveries", () => {
  if (!adminDatabaseUrl()) {
    it("attempts the second tenant's event before half the first one's backlog (two workers, one process)", async () => {
      const { aBeforeB, total } = await twoTenants(async () => {
        const workers: WorkerHandle[] = [
          startWorker({ workerId: "worker-1", concurrency: 5, pollIntervalMs: 50 }),
          startWorker({ workerId: "worker-2", concurrency: 5, pollIntervalMs: 50 }),
        ];
        return async () => {
          await Promise.all(workers.map((worker) => worker.stop()));
        };
      });
      console.log(`fair share (embedded): tenant B attempted after ${aBeforeB} of tenant A's ${total} deliveries`);
    });
  } else {
    it("attempts the second tenant's event before half the first one's backlog (two worker processes)", async () => {
      const children: ChildProcess[] = [];
      const { aBeforeB, total } = await twoTenants(async () => {
        for (let i = 0; i < 2; i++) {
          children.push(
            spawn(process.execPath, ["--import", "tsx", path.resolve(__dirname, "../../scripts/worker.ts")], {
              cwd: path.resolve(__dirname, "../.."),
              env: {
                PATH: process.env.PATH,
                DATABASE_URL: process.env.DATABASE_URL,
                DATABASE_POOL_SIZE: "5",
                WEBHOOK_ALLOW_PRIVATE_NETWORK: "true",
                WEBHOOK_WORKER_CONCURRENCY: "5",
                WEBHOOK_ENCRYPTION_KEYS: process.env.WEBHOOK_ENCRYPTION_KEYS,
                LOG_LEVEL: "error",
              } as unknown as NodeJS.ProcessEnv,
              stdio: "ignore",
            }),
          );
        }
        return async () => {
          await Promise.all(
            children.map(
              (child) =>
                new Promise((resolve) => {
                  if (child.exitCode !== null) return resolve(undefined);
                  child.once("exit", resolve);
                  child.kill("SIGTERM");
                }),
            ),
          );
        };
      });
      console.log(`fair share (PostgreSQL, two worker processes): tenant B attempted after ${aBeforeB} of tenant A's ${total} deliveries`);
    });
  }
});
