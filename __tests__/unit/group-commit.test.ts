import { groupCommit } from "@/lib/database/group-commit";

/** A write whose completion the test controls: each call waits until released. */
function controlledWrite() {
  const calls: { items: string[]; release: (outcomes?: (string | Error)[]) => void; fail: (error: Error) => void }[] = [];
  const write = (items: string[]) =>
    new Promise<(string | Error)[]>((resolve, reject) => {
      calls.push({ items, release: (outcomes) => resolve(outcomes ?? items.map((item) => item.toUpperCase())), fail: reject });
    });
  return { calls, write };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("groupCommit", () => {
  it("writes a lone item at once and groups the ones that arrive while writes are in flight", async () => {
    const { calls, write } = controlledWrite();
    const submit = groupCommit(write, { maxWrites: 1, maxBatch: 3 });
    const first = submit("a");
    expect(calls.map((call) => call.items)).toEqual([["a"]]);
    const rest = ["b", "c", "d", "e"].map(submit);
    await tick();
    expect(calls).toHaveLength(1); // nothing else until the first write ends
    calls[0]!.release();
    await tick();
    expect(calls.map((call) => call.items)).toEqual([["a"], ["b", "c", "d"]]); // maxBatch 3
    calls[1]!.release();
    await tick();
    calls[2]!.release();
    expect(await Promise.all([first, ...rest])).toEqual(["A", "B", "C", "D", "E"]);
    expect(calls.map((call) => call.items)).toEqual([["a"], ["b", "c", "d"], ["e"]]);
  });

  it("rejects only the item whose outcome is an Error", async () => {
    const { calls, write } = controlledWrite();
    const submit = groupCommit(write, { maxWrites: 1 });
    const blocker = submit("x");
    const items = ["a", "b", "c"].map(submit);
    calls[0]!.release();
    await tick();
    calls[1]!.release(["A", new Error("b refused"), "C"]);
    await blocker;
    expect(await Promise.allSettled(items)).toEqual([
      { status: "fulfilled", value: "A" },
      { status: "rejected", reason: new Error("b refused") },
      { status: "fulfilled", value: "C" },
    ]);
  });

  it("after a failed write, retries each item alone as `retry` says, or gives the caller the error", async () => {
    const { calls, write } = controlledWrite();
    const seen: { failures: number; alone: boolean }[] = [];
    const submit = groupCommit(write, {
      maxWrites: 1,
      sleep: async () => {},
      retry: (_error, { failures, alone }) => {
        seen.push({ failures, alone });
        return alone ? undefined : 0; // a shared write is retried once per item, alone; a lone one is not
      },
    });
    const blocker = submit("x");
    const items = ["a", "b"].map(submit);
    calls[0]!.release();
    await tick();
    calls[1]!.fail(new Error("connection lost"));
    await tick();
    await tick();
    expect(calls.slice(2).map((call) => call.items)).toEqual([["a"]]);
    calls[2]!.release();
    await tick();
    calls[3]!.fail(new Error("b is bad"));
    await blocker;
    expect(await Promise.allSettled(items)).toEqual([
      { status: "fulfilled", value: "A" },
      { status: "rejected", reason: new Error("b is bad") },
    ]);
    expect(calls.map((call) => call.items)).toEqual([["x"], ["a", "b"], ["a"], ["b"]]);
    expect(seen).toEqual([
      { failures: 1, alone: false },
      { failures: 1, alone: false },
      { failures: 2, alone: true },
    ]);
  });
});
