import net, { type AddressInfo, type LookupFunction } from "node:net";
import { TransportError } from "@/lib/webhooks/errors";
import { closeTransport, egressProxy, postWebhook } from "@/lib/webhooks/transport";
import { startConnectProxy, type ConnectProxy as Proxy } from "../helpers/connect-proxy";
import { startReceiver, type Receiver } from "../helpers/receiver";

/**
 * WEBHOOK_EGRESS_PROXY: deliveries tunnel through an HTTP CONNECT proxy (static outbound
 * addresses). A small CONNECT proxy on loopback plays the company's egress proxy: it
 * resolves every name to 127.0.0.1, so a request for hooks.example.test reaches the
 * receiver only if it really went through the proxy — this process resolves nothing.
 */

/** A resolver that fails the test if called: through a proxy, names are the proxy's to resolve. */
const noLookup: LookupFunction = (hostname) => {
  throw new Error(`resolved ${hostname} locally`);
};

let receiver: Receiver;
let proxy: Proxy;

beforeAll(async () => {
  receiver = await startReceiver();
  proxy = await startConnectProxy(() => Number(new URL(receiver.url).port));
});
afterAll(async () => {
  await closeTransport();
  await proxy.close();
  await receiver.close();
});
beforeEach(() => {
  receiver.requests.length = 0;
  proxy.tunnels.length = 0;
  proxy.refuseWith = undefined;
});

describe("egress proxy", () => {
  it("tunnels the POST through the proxy, which resolves and dials the name", async () => {
    const port = new URL(receiver.url).port;
    const response = await postWebhook({
      url: `http://hooks.example.test:${port}/webhooks?token=abc`,
      headers: { "content-type": "application/json", "webhook-id": "msg_1" },
      body: '{"n":1.50}',
      proxy: proxy.url,
      lookup: noLookup,
      allowPrivateNetwork: false,
    });
    expect(response.status).toBe(200);
    expect(proxy.tunnels).toEqual([`hooks.example.test:${port}`]);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({ method: "POST", path: "/webhooks?token=abc", body: '{"n":1.50}' });
    expect(receiver.requests[0]!.headers).toMatchObject({ "webhook-id": "msg_1", host: `hooks.example.test:${port}` });
  });

  it("still refuses a private address written in the URL, before reaching the proxy", async () => {
    const refused = await postWebhook({ url: "http://10.1.2.3/hook", headers: {}, body: "{}", proxy: proxy.url, allowPrivateNetwork: false }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as TransportError).code).toBe("blocked_address");
    const metadata = await postWebhook({ url: "http://169.254.169.254/latest", headers: {}, body: "{}", proxy: proxy.url, allowPrivateNetwork: true }).catch((error: unknown) => error);
    expect((metadata as TransportError).code).toBe("blocked_address");
    expect(proxy.tunnels).toEqual([]);
  });

  it("reports a proxy that refuses the tunnel, or is down, as a failed connection", async () => {
    proxy.refuseWith = 403;
    const refused = await postWebhook({ url: "http://blocked.example.test/hook", headers: {}, body: "{}", proxy: proxy.url, timeoutMs: 5_000 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as TransportError).code).toBe("connection_failed");
    expect((refused as TransportError).message).not.toContain(proxy.url);
    expect(receiver.requests).toHaveLength(0);

    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await postWebhook({ url: "http://any.example.test/hook", headers: {}, body: "{}", proxy: `http://127.0.0.1:${deadPort}`, timeoutMs: 5_000 }).catch((error: unknown) => error);
    expect((down as TransportError).code).toBe("connection_failed");
  });

  it("is read from WEBHOOK_EGRESS_PROXY at call time; null goes straight out", async () => {
    const port = new URL(receiver.url).port;
    process.env.WEBHOOK_EGRESS_PROXY = ` ${proxy.url} `;
    try {
      expect(egressProxy()).toBe(proxy.url);
      await postWebhook({ url: `http://from-env.example.test:${port}/webhooks`, headers: {}, body: "{}", lookup: noLookup });
      expect(proxy.tunnels).toEqual([`from-env.example.test:${port}`]);
      // null: this call goes direct (loopback allowed explicitly), the proxy sees nothing more.
      await postWebhook({ url: receiver.url, headers: {}, body: "{}", proxy: null, allowPrivateNetwork: true });
      expect(proxy.tunnels).toHaveLength(1);
      expect(receiver.requests).toHaveLength(2);
    } finally {
      delete process.env.WEBHOOK_EGRESS_PROXY;
    }
    expect(egressProxy()).toBeUndefined();
  });
});
