import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/**
 * A receiver in a process of its own, for measuring when requests arrive: the
 * test process is busy running workers (and, embedded, the database), so its
 * own clock readings of arrivals lag by whatever else its event loop was doing.
 * This one does nothing else. It answers each POST with the next status of
 * `statuses` (cycling), stamps its arrival (epoch ms, sub-millisecond), and
 * reports them at `GET /arrivals`.
 */
const SCRIPT = `
const http = require("node:http");
const statuses = JSON.parse(process.argv[1]);
const arrivals = [];
const server = http.createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  if (req.method === "GET" && req.url === "/arrivals") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(arrivals));
    return;
  }
  req.resume();
  req.on("end", () => {
    arrivals.push(at);
    res.writeHead(statuses[(arrivals.length - 1) % statuses.length]);
    res.end();
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));
`;

export interface ProcessReceiver {
  url: string;
  /** Arrival times (epoch ms) of every POST so far, in arrival order. */
  arrivals(): Promise<number[]>;
  close(): Promise<void>;
}

export async function startProcessReceiver(statuses: number[] = [200]): Promise<ProcessReceiver> {
  const child: ChildProcess = spawn(process.execPath, ["-e", SCRIPT, JSON.stringify(statuses)], { stdio: ["ignore", "pipe", "inherit"] });
  const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
  const port = Number(chunk.toString().trim());
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/webhooks`,
    async arrivals() {
      const response = await fetch(`${base}/arrivals`);
      return (await response.json()) as number[];
    },
    async close() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}
