import { prisma } from "@/lib/db";
import { sendWebhookNotification } from "@/lib/webhooks";
import { attemptDelivery } from "@/lib/webhooks/attempt";
import { LeaseLostError } from "@/lib/webhooks/errors";
import { batchedRecorder, maskSignatureHeaders, recordAttempts, type RecordInput } from "@/lib/webhooks/record";
import { closeTransport } from "@/lib/webhooks/transport";
import { claimDueDeliveries } from "@/lib/webhooks/worker";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeClock, makeEndpoint, makeOrganization } from "../helpers/fixtures";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";

const db = setupTestDatabase();
allowLoopbackDelivery();

let receiver: Receiver;
beforeEach(async () => {
  await db.truncate();
  receiver = await startReceiver();
  receiver.setResponder(respondWith(200, { "x-reply": "yes" }, "ok"));
});
afterEach(() => receiver.close());
afterAll(() => closeTransport());

async function claimMany(count: number, workerId = "w1") {
  const clock = makeClock();
  const org = await makeOrganization();
  const { endpoint } = await makeEndpoint({ organizationId: org.id, url: receiver.url });
  for (let i = 0; i < count; i++) await sendWebhookNotification(org.id, "invoice.settled", `k-${i}`, { i }, { now: clock.now });
  const claimed = await claimDueDeliveries(count, { now: clock.now, workerId, endpointConcurrency: 1_000 });
  return { clock, org, endpoint, claimed };
}

function input(delivery: { id: string; organizationId: string; endpointId: string }, leaseOwner: string, at: Date): RecordInput {
  return {
    delivery,
    leaseOwner,
    trigger: "scheduled",
    url: "https://example.com/hook",
    sent: {
      outcome: { status: 200, headers: { "x-reply": "yes" }, body: "ok", bodyTruncated: false, durationMs: 7 },
      headers: { "webhook-id": delivery.id, "webhook-signature": "v1,abc", "x-webhook-signature": "0123456789abcdef" },
      customHeaderNames: [],
      durationMs: 7,
    },
    startedAt: at,
    finishedAt: at,
    status: "delivered",
    nextAttemptAt: null,
  };
}

describe("recording attempts", () => {
  it("claims return everything an attempt needs, so nothing is read per delivery", async () => {
    const { claimed, endpoint } = await claimMany(2);
    expect(claimed).toHaveLength(2);
    for (const delivery of claimed) {
      expect(delivery).toMatchObject({ leaseOwner: "w1", attempts: 0, endpoint: { id: endpoint.id, url: receiver.url, status: "active" }, circuit: null });
      expect(JSON.parse(delivery.webhookEvent.body)).toMatchObject({ event: "invoice.settled" });
      expect(delivery.leaseExpiresAt).toBeInstanceOf(Date);
    }
  });

  it("writes a batch in one statement and reports a lost lease per row, writing nothing for it", async () => {
    const { claimed, clock } = await claimMany(3);
    // Another worker took the middle one over.
    await prisma.webhookDelivery.update({ where: { id: claimed[1]!.id }, data: { leaseOwner: "w2" } });
    const recorded = await recordAttempts(prisma, claimed.map((d) => input(d, "w1", clock.now())));
    expect([...recorded].sort()).toEqual([claimed[0]!.id, claimed[2]!.id].sort());

    const rows = await prisma.webhookDelivery.findMany({ orderBy: { id: "asc" } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(claimed[0]!.id)).toMatchObject({ status: "delivered", attempts: 1, leaseOwner: null, lastStatusCode: 200 });
    expect(byId.get(claimed[1]!.id)).toMatchObject({ status: "pending", attempts: 0, leaseOwner: "w2" });
    const attempts = await prisma.webhookAttempt.findMany();
    expect(attempts.map((a) => a.deliveryId).sort()).toEqual([claimed[0]!.id, claimed[2]!.id].sort());
    expect(attempts[0]).toMatchObject({ number: 1, success: true, statusCode: 200, responseBody: "ok", durationMs: 7, responseHeaders: { "x-reply": "yes" } });
    expect((attempts[0]!.requestHeaders as Record<string, string>)["webhook-signature"]).toBe("v1,••••••••");
  });

  it("stores every signature masked: v1 and v1a entries alike, and the legacy header", () => {
    const v1 = `v1,${"A".repeat(43)}=`;
    const v1a = `v1a,${"B".repeat(86)}==`;
    expect(maskSignatureHeaders({ "webhook-signature": `${v1a} ${v1}`, "x-webhook-signature": "0123456789abcdef", "webhook-id": "msg_1" })).toEqual({
      "webhook-signature": "v1a,•••••••• v1,••••••••",
      "x-webhook-signature": "01234567••••••••",
      "webhook-id": "msg_1",
    });
  });

  it("groups attempts that finish while a write is in flight, and each caller learns its own outcome", async () => {
    const { claimed, clock } = await claimMany(30);
    await prisma.webhookDelivery.update({ where: { id: claimed[7]!.id }, data: { leaseOwner: "w2" } });
    const statements: number[] = [];
    const counting = new Proxy(prisma, {
      get(target, key, receiverArg) {
        if (key === "$queryRawUnsafe") {
          return (sql: string, ...params: unknown[]) => {
            statements.push(JSON.parse(params[0] as string).length);
            return target.$queryRawUnsafe(sql, ...params);
          };
        }
        return Reflect.get(target, key, receiverArg);
      },
    });
    const record = batchedRecorder(counting, { maxWrites: 1 });
    const outcomes = await Promise.allSettled(claimed.map((d) => record(input(d, "w1", clock.now()))));

    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(29);
    expect(outcomes[7]).toEqual({ status: "rejected", reason: expect.any(LeaseLostError) });
    // The first write goes at once; the 29 that queued behind it share the next one.
    expect(statements).toEqual([1, 29]);
    expect(await prisma.webhookAttempt.count()).toBe(29);
    expect(await prisma.webhookDelivery.count({ where: { status: "delivered" } })).toBe(29);
  });

  it("retries a write the database failed, then writes a refused row on its own so it cannot sink the others", async () => {
    const { claimed, clock } = await claimMany(4);
    const calls: number[] = [];
    let failNext = 1;
    const flaky = new Proxy(prisma, {
      get(target, key, receiverArg) {
        if (key === "$queryRawUnsafe") {
          return (sql: string, ...params: unknown[]) => {
            const rows = JSON.parse(params[0] as string) as { delivery_id: string }[];
            calls.push(rows.length);
            // The database restarts once; and it always refuses delivery #2 (think: a bad row).
            if (failNext-- > 0) return Promise.reject(new Error("Connection terminated unexpectedly"));
            if (rows.some((row) => row.delivery_id === claimed[2]!.id)) return Promise.reject(new Error("refused row"));
            return target.$queryRawUnsafe(sql, ...params);
          };
        }
        return Reflect.get(target, key, receiverArg);
      },
    });
    let fakeNow = 0;
    const record = batchedRecorder(flaky, {
      maxWrites: 1,
      retryForMs: 5_000,
      now: () => fakeNow,
      sleep: async (ms) => {
        fakeNow += ms;
      },
    });
    const first = record(input(claimed[0]!, "w1", clock.now()));
    const rest = claimed.slice(1).map((d) => record(input(d, "w1", clock.now())));
    const outcomes = await Promise.allSettled([first, ...rest]);

    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error("refused row"));
    // 1 (fails: restart), 3 together (fail: the bad row), then 1 + each of the three alone, the bad one until its time is up.
    expect(calls.slice(0, 2)).toEqual([1, 3]);
    expect(calls.slice(2).every((size) => size === 1)).toBe(true);
    expect(await prisma.webhookAttempt.count()).toBe(3);
  });

  it("stores a response body holding NUL bytes (PostgreSQL text cannot) instead of failing the write", async () => {
    const { claimed, clock } = await claimMany(1);
    const row = input(claimed[0]!, "w1", clock.now());
    row.sent.outcome = { status: 200, headers: { "x-odd": "a\u0000b" }, body: "ok\u0000ok", bodyTruncated: false, durationMs: 1 };
    await recordAttempts(prisma, [row]);
    const attempt = await prisma.webhookAttempt.findFirstOrThrow();
    expect(attempt.responseBody).toBe("ok\uFFFDok");
    expect(attempt.responseHeaders).toEqual({ "x-odd": "a\uFFFDb" });
  });

  it("sends nothing for a claimed delivery whose lease ran out before the attempt started", async () => {
    const { claimed, clock } = await claimMany(1);
    clock.advance(3_600);
    expect(await attemptDelivery(claimed[0]!, { now: clock.now })).toEqual({ kind: "lease_lost" });
    expect(receiver.requests).toHaveLength(0);
  });
});
