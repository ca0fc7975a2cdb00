/**
 * The benchmark's receiver, in its own process so it never shares an event
 * loop with the sender being measured. POST anything: answers 200 after
 * LATENCY_MS (500 to every FAIL_EVERY-th request, when set). GET /stats: requests, distinct webhook-ids, ids seen more than
 * once, and arrival times (ms since epoch) by webhook-id for latency.
 * With KEEP_LOG=true, GET /log: every request in arrival order, with its
 * arrival time (sub-millisecond), webhook-id and the event's `data.key` and
 * `data.n` when it has them. POST /reset clears everything. Prints
 * {"listening":port} when ready.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

const latencyMs = Number(process.env.LATENCY_MS ?? 0);
// Long runs (the memory run) need no arrival times.
const keepArrivals = process.env.KEEP_ARRIVALS !== "false";
const keepLog = process.env.KEEP_LOG === "true";
// FAIL_EVERY=n: every n-th request is answered 500.
const failEvery = Number(process.env.FAIL_EVERY ?? 0);
const log: { at: number; id: string; key?: string; n?: number }[] = [];
let requests = 0;
const seen = new Map<string, number>();
const arrivals = new Map<string, number>();

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") {
    let duplicates = 0;
    for (const count of seen.values()) if (count > 1) duplicates++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ requests, distinct: seen.size, duplicates, arrivals: Object.fromEntries(arrivals) }));
    return;
  }
  if (req.method === "GET" && req.url === "/log") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(log));
    return;
  }
  if (req.method === "POST" && req.url === "/reset") {
    requests = 0;
    log.length = 0;
    seen.clear();
    arrivals.clear();
    res.writeHead(204).end();
    return;
  }
  const at = performance.timeOrigin + performance.now();
  const chunks: Buffer[] = [];
  if (keepLog) req.on("data", (chunk: Buffer) => chunks.push(chunk));
  else req.resume();
  req.on("end", () => {
    const arrivedAt = Date.now();
    if (keepLog) {
      let data: { key?: string; n?: number } = {};
      try {
        data = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data?: typeof data }).data ?? {};
      } catch {
        // not JSON: logged without key
      }
      log.push({ at, id: String(req.headers["webhook-id"] ?? ""), key: data.key, n: data.n });
    }
    requests++;
    const id = req.headers["webhook-id"];
    if (typeof id === "string") {
      seen.set(id, (seen.get(id) ?? 0) + 1);
      if (keepArrivals && !arrivals.has(id)) arrivals.set(id, arrivedAt);
    }
    const status = failEvery > 0 && requests % failEvery === 0 ? 500 : 200;
    const reply = () => res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "failing on purpose");
    if (latencyMs > 0) setTimeout(reply, latencyMs);
    else reply();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ listening: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
