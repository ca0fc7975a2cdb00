import { prisma } from "@/lib/db";
import { sendWebhookNotification, startWorker } from "@/lib/webhooks";
import { setupEngineTest } from "../helpers/engine";
import { eventually } from "../helpers/eventually";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";
import type { Receiver } from "../helpers/receiver";

const { receiver } = setupEngineTest();

/** A receiver that holds every request until released, so leases can be looked at mid-flight. */
async function heldReceiver(): Promise<{ target: Receiver; release: () => void }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const target = await receiver(async (_request, _index, res) => {
    await gate;
    res.writeHead(200).end("ok");
  });
  return { target, release };
}

const lease = (id: string) => prisma.webhookDelivery.findUniqueOrThrow({ where: { id }, select: { leaseOwner: true, leaseExpiresAt: true, status: true } });

describe("new deliveries go straight to a free local slot", () => {
  it("leases them to this process's worker in the enqueue statement and sends them with no claim or wake-up", async () => {
    const { target, release } = await heldReceiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: target.url });
    // No poll and no LISTEN: nothing but the hand-over can start the attempt.
    const worker = startWorker({ workerId: "local-a", pollIntervalMs: 600_000, listen: false, concurrency: 2 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { deliveries } = await sendWebhookNotification(org.id, "invoice.settled", "handed-1", {});
      // Leased as it was stored: the committed row already names the worker.
      expect(await lease(deliveries[0]!.id)).toMatchObject({ leaseOwner: "local-a", status: "pending", leaseExpiresAt: expect.any(Date) });
      await eventually(() => target.requests.length === 1, 10_000, "the handed-over attempt");
      expect(target.requests[0]!.headers["webhook-id"]).toBe(deliveries[0]!.id);
      release();
      await eventually(async () => (await lease(deliveries[0]!.id)).status === "delivered", 10_000, "the attempt recorded");
      expect(await lease(deliveries[0]!.id)).toMatchObject({ leaseOwner: null, leaseExpiresAt: null });
    } finally {
      release();
      await worker.stop();
    }
  });

  it("takes no more than the worker's free slots; the rest wait for the claim as before", async () => {
    const { target, release } = await heldReceiver();
    const org = await makeOrganization();
    await makeEndpoint({ organizationId: org.id, url: target.url });
    const worker = startWorker({ workerId: "local-b", pollIntervalMs: 600_000, listen: false, concurrency: 2 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const sent = [];
      for (let i = 0; i < 4; i++) sent.push((await sendWebhookNotification(org.id, "invoice.settled", `slots-${i}`, {})).deliveries[0]!.id);
      const owners = await Promise.all(sent.map(async (id) => (await lease(id)).leaseOwner));
      expect(owners.filter((owner) => owner === "local-b")).toHaveLength(2);
      release();
      // The others were announced to the worker and delivered through the claim.
      await eventually(async () => (await prisma.webhookDelivery.count({ where: { status: "delivered" } })) === 4, 20_000, "all four delivered");
      expect(new Set(target.requests.map((request) => request.headers["webhook-id"])).size).toBe(4);
      expect(await prisma.webhookAttempt.count()).toBe(4);
    } finally {
      release();
      await worker.stop();
    }
  });

  it("never hands over inside a caller's transaction, to an endpoint with an open circuit, or for a repeat", async () => {
    const target = await receiver();
    const org = await makeOrganization();
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: target.url });
    const worker = startWorker({ workerId: "local-c", pollIntervalMs: 600_000, listen: false, concurrency: 4 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Inside a transaction that could still roll back: stored unleased, left to the claim.
      const inTx = await prisma.$transaction((tx) => sendWebhookNotification(org.id, "invoice.settled", "in-tx", {}, { tx }));
      expect((await lease(inTx.deliveries[0]!.id)).leaseOwner).toBeNull();

      const first = await sendWebhookNotification(org.id, "invoice.settled", "repeat", {});
      await eventually(async () => (await lease(first.deliveries[0]!.id)).status === "delivered", 10_000, "first delivered");
      const repeat = await sendWebhookNotification(org.id, "invoice.settled", "repeat", {});
      expect(repeat.duplicate).toBe(true);
      // The repeat's reservation was given back: the worker has nothing in flight.
      await eventually(() => worker.inFlight() === 0, 5_000, "worker idle");

      await prisma.webhookCircuit.create({ data: { key: endpoint.id, state: "open", consecutiveFailures: 5, openedAt: new Date(), probeAt: new Date(Date.now() + 600_000) } });
      const held = await sendWebhookNotification(org.id, "invoice.settled", "circuit-open", {});
      expect((await lease(held.deliveries[0]!.id)).leaseOwner).toBeNull();
      expect(target.requests.map((request) => request.headers["webhook-id"])).not.toContain(held.deliveries[0]!.id);
    } finally {
      await worker.stop();
    }
  });
});
