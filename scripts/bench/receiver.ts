/**
 * The benchmark's receiver, in its own process so it never shares an event
 * loop with the sender being measured. POST anything: answers 200 after
 * LATENCY_MS. GET /stats: requests, distinct webhook-ids, ids seen more than
 * once, and arrival times (ms since epoch) by webhook-id for latency.
 * POST /reset clears everything. Prints {"listening":port} when ready.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

const latencyMs = Number(process.env.LATENCY_MS ?? 0);
// Long runs (the memory run) need no arrival times.
const keepArrivals = process.env.KEEP_ARRIVALS !== "false";
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
  if (req.method === "POST" && req.url === "/reset") {
    requests = 0;
    seen.clear();
    arrivals.clear();
    res.writeHead(204).end();
    return;
  }
  req.resume();
  req.on("end", () => {
    const arrivedAt = Date.now();
    requests++;
    const id = req.headers["webhook-id"];
    if (typeof id === "string") {
      seen.set(id, (seen.get(id) ?? 0) + 1);
      if (keepArrivals && !arrivals.has(id)) arrivals.set(id, arrivedAt);
    }
    const reply = () => res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    if (latencyMs > 0) setTimeout(reply, latencyMs);
    else reply();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ listening: (server.address() as AddressInfo).port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
