import http from "node:http";
import net, { type AddressInfo } from "node:net";

/**
 * A small HTTP CONNECT proxy on loopback, playing a company's egress proxy: it resolves every
 * name to 127.0.0.1 on the port `targetPort()` gives, so a request for any name reaches that
 * receiver only if it really went through the proxy.
 */
export interface ConnectProxy {
  url: string;
  /** The CONNECT targets asked for, in order. */
  tunnels: string[];
  /** Answer CONNECT with this status instead of opening the tunnel. */
  refuseWith?: number;
  close(): Promise<void>;
}

export async function startConnectProxy(targetPort: () => number): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: ConnectProxy = { url: "", tunnels: [], close: async () => undefined };
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end("CONNECT only");
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    proxy.tunnels.push(req.url ?? "");
    sockets.add(client);
    if (proxy.refuseWith) {
      client.end(`HTTP/1.1 ${proxy.refuseWith} Forbidden\r\n\r\n`);
      return;
    }
    // Every name resolves to loopback here, on the receiver's port: only the proxy can reach it.
    const upstream = net.connect(targetPort(), "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}
