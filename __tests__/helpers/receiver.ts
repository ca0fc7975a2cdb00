import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the receiver answers to the n-th request (0-based). */
export type Responder = (request: ReceivedRequest, index: number, res: http.ServerResponse) => void | Promise<void>;

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  setResponder(responder: Responder): void;
  close(): Promise<void>;
}

export const respondWith =
  (status: number, headers: Record<string, string> = {}, body = "") =>
  (_request: ReceivedRequest, _index: number, res: http.ServerResponse) => {
    res.writeHead(status, headers);
    res.end(body);
  };

/** Answers each request with the next status in `statuses` (the last one repeats). */
export const respondInSequence =
  (...statuses: number[]): Responder =>
  (_request, index, res) => {
    res.writeHead(statuses[Math.min(index, statuses.length - 1)]!);
    res.end();
  };

/** A real HTTP receiver on 127.0.0.1, port 0, recording every request. */
export async function startReceiver(responder: Responder = respondWith(200, {}, "ok")): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let current = responder;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      const index = requests.push(request) - 1;
      void current(request, index, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    requests,
    setResponder(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
