import { LaneScheduler, scheduledSession } from "@/lib/database/lane-scheduler";
import { currentLane, runAsBackground, type Lane } from "@/lib/database/priority";

/** A promise with its resolve and reject in hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued callback and promise continuation run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A scheduler with a held first operation, so every later call queues; `release()` lets it go.
 * Each queued operation records its name when it starts and finishes at once.
 */
function heldScheduler(options: { interactiveBeforeBackground?: number; heldLane?: Lane } = {}) {
  const scheduler = new LaneScheduler(options);
  const started: string[] = [];
  const gate = deferred();
  const held = scheduler.run(options.heldLane ?? "interactive", () => gate.promise);
  const queue = (lane: Lane, name: string) =>
    scheduler.run(lane, async () => {
      started.push(name);
      return name;
    });
  return { scheduler, started, queue, release: async () => (gate.resolve(), await held, await settle()) };
}

/** A stand-in for PGlite: top-level calls and a transaction whose statements go to `tx`. */
function fakeSession() {
  const calls: string[] = [];
  const tx = { query: async (sql: string) => (calls.push(`tx:${sql}`), [sql]) };
  return {
    calls,
    query: async (sql: string) => (calls.push(sql), [sql]),
    exec: async (sql: string) => void calls.push(sql),
    transaction: async <T>(work: (t: typeof tx) => Promise<T>) => {
      calls.push("BEGIN");
      const result = await work(tx);
      calls.push("COMMIT");
      return result;
    },
    close: async () => "not scheduled",
  };
}

describe("LaneScheduler", () => {
  test("a waiting interactive operation goes before a waiting background one, each lane in arrival order", async () => {
    const { started, queue, release } = heldScheduler({ heldLane: "background" });
    const all = [queue("background", "b1"), queue("background", "b2"), queue("interactive", "i1"), queue("interactive", "i2")];
    await release();
    await Promise.all(all);
    expect(started).toEqual(["i1", "i2", "b1", "b2"]);
  });

  test("background work gets one turn after every run of interactive turns, so it is never starved", async () => {
    const { started, queue, release } = heldScheduler({ interactiveBeforeBackground: 2, heldLane: "background" });
    const all = [queue("background", "b1"), queue("background", "b2"), ...["i1", "i2", "i3", "i4", "i5"].map((name) => queue("interactive", name))];
    await release();
    await Promise.all(all);
    expect(started).toEqual(["i1", "i2", "b1", "i3", "i4", "b2", "i5"]);
  });

  test("runs one operation at a time", async () => {
    const scheduler = new LaneScheduler();
    const first = deferred();
    let secondStarted = false;
    const one = scheduler.run("background", () => first.promise);
    const two = scheduler.run("interactive", async () => void (secondStarted = true));
    await settle();
    expect(secondStarted).toBe(false);
    expect(scheduler.waiting()).toEqual({ interactive: 1, background: 0 });
    first.resolve();
    await Promise.all([one, two]);
    expect(secondStarted).toBe(true);
  });

  test("a failing operation rejects its caller and the next one still runs", async () => {
    const scheduler = new LaneScheduler();
    const failing = scheduler.run("interactive", async () => {
      throw new Error("boom");
    });
    const thrown = scheduler.run("interactive", () => {
      throw new Error("sync boom");
    });
    const next = scheduler.run("background", async () => "ran");
    await expect(failing).rejects.toThrow("boom");
    await expect(thrown).rejects.toThrow("sync boom");
    await expect(next).resolves.toBe("ran");
  });
});

describe("scheduledSession", () => {
  test("statements inside an open transaction never wait in a lane, while top-level statements wait for it to end", async () => {
    const session = fakeSession();
    const scheduled = scheduledSession(session, new LaneScheduler());
    const inside = deferred();
    const insideDone: string[] = [];
    const transaction = scheduled.transaction(async (tx) => {
      insideDone.push(...(await tx.query("SELECT 1")));
      await inside.promise;
      insideDone.push(...(await tx.query("SELECT 2")));
      return "committed";
    });
    await settle();
    const outside = scheduled.query("SELECT outside");
    await settle();
    // The transaction's statements ran; the outside one waits for the transaction's turn to end.
    expect(insideDone).toEqual(["SELECT 1"]);
    expect(session.calls).toEqual(["BEGIN", "tx:SELECT 1"]);
    inside.resolve();
    await expect(transaction).resolves.toBe("committed");
    await expect(outside).resolves.toEqual(["SELECT outside"]);
    expect(session.calls).toEqual(["BEGIN", "tx:SELECT 1", "tx:SELECT 2", "COMMIT", "SELECT outside"]);
  });

  test("the lane comes from the caller's context: background inside runAsBackground, interactive elsewhere", async () => {
    const session = fakeSession();
    const scheduled = scheduledSession(session, new LaneScheduler());
    const hold = deferred();
    const held = scheduled.transaction(() => hold.promise);
    await settle();
    const background = runAsBackground(() => scheduled.exec("UPDATE background"));
    const interactive = scheduled.query("SELECT interactive");
    hold.resolve();
    await Promise.all([held, background, interactive]);
    expect(session.calls).toEqual(["BEGIN", "COMMIT", "SELECT interactive", "UPDATE background"]);
  });

  test("methods other than query, exec and transaction pass through unscheduled", async () => {
    const scheduled = scheduledSession(fakeSession(), new LaneScheduler());
    await expect(scheduled.close()).resolves.toBe("not scheduled");
  });
});

describe("runAsBackground", () => {
  test.each([
    ["outside", "interactive", () => currentLane()],
    ["inside", "background", () => runAsBackground(() => currentLane())],
  ] as const)("the lane %s is %s", (_where, expected, read) => {
    expect(read()).toBe(expected);
  });

  test("timers started inside keep the background lane", async () => {
    const lane = await runAsBackground(() => new Promise<Lane>((resolve) => setTimeout(() => resolve(currentLane()), 0)));
    expect(lane).toBe("background");
  });
});
