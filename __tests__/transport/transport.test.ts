import { execFile } from "node:child_process";
import type { LookupAddress } from "node:dns";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import net, { type AddressInfo, type LookupFunction } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ipaddr from "ipaddr.js";
import { TransportError, WebhookValidationError } from "@/lib/webhooks/errors";
import { eventually } from "../helpers/eventually";
import {
  closeTransport,
  postWebhook,
  RESPONSE_BODY_CAP_BYTES,
  type TransportRequest,
} from "@/lib/webhooks/transport";

// ---------------------------------------------------------------------------------------
// Receivers: real node:http servers on 127.0.0.1 (or ::1), port 0, that record what
// arrived and misbehave on purpose.

interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Receiver {
  server: Server;
  port: number;
  url: string;
  requests: ReceivedRequest[];
  /** Connections accepted (TCP, or TLS handshakes for HTTPS), counted before any HTTP parsing. */
  connections: number;
}

type Handler = (res: ServerResponse, received: ReceivedRequest) => void;

const openReceivers: Receiver[] = [];

interface ReceiverOptions {
  host?: string;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

async function startReceiver(handler: Handler, { host = "127.0.0.1", tls }: ReceiverOptions = {}): Promise<Receiver> {
  const server: Server = tls ? createTlsServer(tls) : createServer();
  const receiver: Receiver = { server, port: 0, url: "", requests: [], connections: 0 };
  server.on(tls ? "secureConnection" : "connection", (socket: net.Socket) => {
    receiver.connections += 1;
    socket.on("error", () => undefined);
  });
  server.on("request", (req, res) => {
    res.on("error", () => undefined);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      receiver.requests.push(received);
      handler(res, received);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `${tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${receiver.port}`;
  openReceivers.push(receiver);
  return receiver;
}

async function stopReceiver(receiver: Receiver): Promise<void> {
  receiver.server.closeAllConnections();
  await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
}

const respond =
  (status: number, headers: Record<string, string> = {}, body = ""): Handler =>
  (res) => {
    res.writeHead(status, headers);
    res.end(body);
  };

// ---------------------------------------------------------------------------------------
// Loopback firewall: every TCP dial in this process goes through TCPWrap#connect/connect6.
// Wrapping them lets tests assert that no dial was attempted at all, and guarantees that
// even a broken guard cannot send a packet beyond loopback (the dial fails with
// ECONNREFUSED before the kernel sees it).

const LOOPBACK = new Set(["127.0.0.1", "::1"]);
const dials: string[] = [];
let restoreFirewall = () => {};

function installLoopbackFirewall(prototype: Record<"connect" | "connect6", (...args: unknown[]) => number>) {
  const original = { connect: prototype.connect, connect6: prototype.connect6 };
  for (const method of ["connect", "connect6"] as const) {
    prototype[method] = function (this: unknown, ...args: unknown[]) {
      const address = String(args[1]);
      dials.push(address);
      if (!LOOPBACK.has(address)) return -os.constants.errno.ECONNREFUSED;
      return original[method].apply(this, args);
    };
  }
  return () => Object.assign(prototype, original);
}

// ---------------------------------------------------------------------------------------

/** Throwaway test-only key pair: a self-signed certificate for IP 127.0.0.1 (valid until 2126). */
const SELF_SIGNED_127_0_0_1 = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg63rAbaft35lPbD0W
cJMd5A3oFZ9WW0rW9sYbvoN7ScKhRANCAAQ1AmrgEciilcz7SHIRt7EdZgILA7/p
eXw4MXbkpOD0DIvPPpYZkLVe5IrmzRScyygONZ6Xl9YdSrslnroxuQJs
-----END PRIVATE KEY-----`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBkTCCATagAwIBAgIUYEEumt2T35eIU6M40EZl6IJOVygwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyODEyMjEwMVoYDzIxMjYxMTA0
MTIyMTAxWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQ1AmrgEciilcz7SHIRt7EdZgILA7/peXw4MXbkpOD0DIvPPpYZkLVe
5IrmzRScyygONZ6Xl9YdSrslnroxuQJso2QwYjAdBgNVHQ4EFgQUsOA/X4KnEf8A
2pNj+7oXze3vXaowHwYDVR0jBBgwFoAUsOA/X4KnEf8A2pNj+7oXze3vXaowDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0kAMEYC
IQCfw3UcCiEUBGLxjl73+/IQFXPRen/yByBe9CH+R6wv4AIhAN/v3jh7xP6aeeN1
QSM+AmmRUHaVVub5gLOshixQDk6V
-----END CERTIFICATE-----`,
};

const lookupTo =
  (...addresses: string[]): LookupFunction =>
  (_hostname, options, callback) => {
    const all: LookupAddress[] = addresses.map((address) => ({ address, family: net.isIP(address) }));
    if (options.all) callback(null, all);
    else callback(null, all[0]?.address ?? "", all[0]?.family);
  };

/** A request to a loopback receiver; loopback is private, so it has to be allowed. */
function post(url: string, overrides: Partial<TransportRequest> = {}) {
  return postWebhook({
    url,
    headers: { "content-type": "application/json" },
    body: "{}",
    allowPrivateNetwork: true,
    ...overrides,
  });
}

async function transportError(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const handle = (probe as unknown as { _handle: object })._handle;
  restoreFirewall = installLoopbackFirewall(Object.getPrototypeOf(handle));
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterEach(async () => {
  await Promise.all(openReceivers.splice(0).map(stopReceiver));
});

afterAll(async () => {
  await closeTransport();
  restoreFirewall();
});

describe("postWebhook: completed exchanges are returned", () => {
  it("sends the exact body bytes and headers and returns the echoed body", async () => {
    const receiver = await startReceiver((res, received) => {
      res.writeHead(200, { "content-type": "application/json", "x-receiver": "a" });
      res.end(received.body);
    });
    // Non-ASCII, a big integer beyond 2^53, odd spacing and key order: any parse/re-stringify would change these bytes.
    const body = '{"name":"café é","amount":123456789012345678901234567890,"z":1.0 , "a":"\\u00e9"}';

    const response = await post(`${receiver.url}/hooks/in?token=abc`, {
      headers: { "content-type": "application/json", "webhook-id": "msg_123", "X-Custom": "Value" },
      body,
    });

    expect(response).toMatchObject({ status: 200, body, bodyTruncated: false });
    expect(response.headers["x-receiver"]).toBe("a");
    expect(response.durationMs).toBeGreaterThan(0);
    expect(receiver.requests).toHaveLength(1);
    const [received] = receiver.requests;
    expect(received!.method).toBe("POST");
    expect(received!.path).toBe("/hooks/in?token=abc");
    expect(received!.body.equals(Buffer.from(body, "utf8"))).toBe(true);
    expect(received!.headers).toMatchObject({
      "content-type": "application/json",
      "webhook-id": "msg_123",
      "x-custom": "Value",
      "content-length": String(Buffer.byteLength(body, "utf8")),
    });
  });

  it("returns a 500 and then a 200 on consecutive calls", async () => {
    let calls = 0;
    const receiver = await startReceiver((res) => {
      calls += 1;
      res.writeHead(calls === 1 ? 500 : 200);
      res.end(calls === 1 ? "boom" : "ok");
    });

    const first = await post(receiver.url);
    const second = await post(receiver.url);

    expect([first.status, first.body]).toEqual([500, "boom"]);
    expect([second.status, second.body]).toEqual([200, "ok"]);
  });

  it("reuses keep-alive connections across sequential sends", async () => {
    const receiver = await startReceiver(respond(200, {}, "ok"));

    for (let i = 0; i < 6; i += 1) await post(receiver.url);

    expect(receiver.requests).toHaveLength(6);
    // undici marks a connection free again one setImmediate after a response ends, so
    // back-to-back sends alternate between two connections; one per send would be 6.
    expect(receiver.connections).toBeLessThanOrEqual(2);
  });

  it("returns a 429 with Retry-After readable", async () => {
    const receiver = await startReceiver(respond(429, { "Retry-After": "7" }, "slow down"));

    const response = await post(receiver.url);

    expect(response.status).toBe(429);
    expect(response.headers["retry-after"]).toBe("7");
  });

  it("joins repeated response headers with a comma", async () => {
    const receiver = await startReceiver((res) => {
      res.setHeader("x-many", ["one", "two"]);
      res.end();
    });

    const response = await post(receiver.url);

    expect(response.headers["x-many"]).toBe("one, two");
  });

  it("returns a 410", async () => {
    const receiver = await startReceiver(respond(410, {}, "gone"));

    await expect(post(receiver.url)).resolves.toMatchObject({ status: 410, body: "gone" });
  });

  it("returns a 302 without following it", async () => {
    const target = await startReceiver(respond(200));
    const redirector = await startReceiver(respond(302, { Location: `${target.url}/` }));

    const response = await post(redirector.url);

    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${target.url}/`);
    expect(redirector.requests).toHaveLength(1);
    expect(target.connections).toBe(0);
    expect(target.requests).toHaveLength(0);
  });
});

describe("postWebhook: response body cap", () => {
  it("keeps exactly the cap of a 10 MB body and stops downloading", async () => {
    const tenMegabytes = 10 * 1024 * 1024;
    const receiver = await startReceiver((res) => {
      res.writeHead(200, { "content-length": String(tenMegabytes) });
      res.end(Buffer.alloc(tenMegabytes, "a"));
    });

    const response = await post(receiver.url, { timeoutMs: 10_000 });

    expect(response.status).toBe(200);
    expect(response.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(response.body)).toBe(RESPONSE_BODY_CAP_BYTES);
    expect(response.body).toBe("a".repeat(RESPONSE_BODY_CAP_BYTES));
  });

  it("closes the connection of a body that never ends instead of reading it to the deadline", async () => {
    const chunk = Buffer.alloc(16 * 1024, "b");
    let responseClosed = false;
    const receiver = await startReceiver((res) => {
      res.on("close", () => {
        responseClosed = true;
      });
      res.writeHead(200);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });

    const response = await post(receiver.url, { timeoutMs: 10_000, maxResponseBytes: 1000 });

    expect(response.bodyTruncated).toBe(true);
    expect(response.body).toBe("b".repeat(1000));
    await eventually(() => responseClosed);
  });

  it("is not truncated when the body is exactly the cap", async () => {
    const receiver = await startReceiver(respond(200, {}, "x".repeat(100)));

    const response = await post(receiver.url, { maxResponseBytes: 100 });

    expect(response).toMatchObject({ body: "x".repeat(100), bodyTruncated: false });
  });
});

describe("postWebhook: no exchange → TransportError", () => {
  it("times out on a server that never responds", async () => {
    const receiver = await startReceiver(() => undefined);

    const error = await transportError(post(receiver.url, { timeoutMs: 300 }));

    expect(error.code).toBe("timeout");
    expect(receiver.requests).toHaveLength(1);
  });

  it("times out while the resolver has not answered (the deadline covers connecting)", async () => {
    let answer: (() => void) | undefined;
    const silent: LookupFunction = (hostname, _options, callback) => {
      answer = () => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "");
    };

    const error = await transportError(post("http://slow-dns.example.test/", { lookup: silent, timeoutMs: 300 }));

    expect(error.code).toBe("timeout");
    expect(answer).toBeDefined();
    answer?.(); // let undici drop the abandoned connect so closeTransport() does not wait for it
  });

  it("times out on a server that sends headers and then drips the body", async () => {
    const receiver = await startReceiver((res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("x");
      const drip = setInterval(() => res.write("x"), 1000);
      res.on("close", () => clearInterval(drip));
    });

    const error = await transportError(post(receiver.url, { timeoutMs: 1500 }));

    expect(error.code).toBe("timeout");
  });

  it("reports a reset connection as connection_failed", async () => {
    const receiver = await startReceiver((res) => res.socket?.destroy());

    const error = await transportError(post(receiver.url));

    expect(error.code).toBe("connection_failed");
    expect(error.cause).toBeDefined();
  });

  it("reports a refused connection as connection_failed", async () => {
    const receiver = await startReceiver(respond(200));
    await stopReceiver(receiver);

    const error = await transportError(post(receiver.url));

    expect(error.code).toBe("connection_failed");
    expect(error.message).toContain("127.0.0.1");
  });

  it("reports a TLS handshake failure as connection_failed", async () => {
    const plainHttp = await startReceiver(respond(200));

    const error = await transportError(post(plainHttp.url.replace("http:", "https:")));

    expect(error.code).toBe("connection_failed");
  });

  it("refuses a self-signed certificate", async () => {
    const receiver = await startReceiver(respond(200), { tls: SELF_SIGNED_127_0_0_1 });

    const error = await transportError(post(receiver.url));

    expect(error.code).toBe("connection_failed");
    expect((error.cause as { code?: string }).code).toMatch(/SELF_SIGNED|CERT_/);
    expect(receiver.requests).toHaveLength(0);
  });

  it("keeps verifying certificates when NODE_TLS_REJECT_UNAUTHORIZED=0", async () => {
    const receiver = await startReceiver(respond(200), { tls: SELF_SIGNED_127_0_0_1 });

    // Node's tls reads the real process.env, which Jest hides from tests: run in a child process.
    const outcome = await postFromChildProcess(receiver.url, { NODE_TLS_REJECT_UNAUTHORIZED: "0" });

    expect(outcome).toMatchObject({ code: "connection_failed", cause: expect.stringMatching(/SELF_SIGNED|CERT_/) });
    expect(receiver.requests).toHaveLength(0);
  });

  it.each(["ENOTFOUND", "EAI_AGAIN", "ESERVFAIL"])("reports %s from the resolver as dns_failure", async (code) => {
    const failing: LookupFunction = (hostname, _options, callback) =>
      callback(Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code }), "");

    const error = await transportError(post("http://hooks.example.test/in", { lookup: failing }));

    expect(error.code).toBe("dns_failure");
    expect(error.message).toContain("hooks.example.test");
    expect((error.cause as { code?: string }).code).toBe(code);
  });

  it("reports an empty answer from the resolver as dns_failure", async () => {
    const error = await transportError(post("http://hooks.example.test/in", { lookup: lookupTo() }));

    expect(error.code).toBe("dns_failure");
  });

  it.each([
    ["not a url"],
    ["ftp://127.0.0.1/file"],
    ["file:///etc/passwd"],
  ])("rejects %j as invalid_url without dialling", async (url) => {
    const before = dials.length;

    await expect(post(url)).rejects.toThrow(WebhookValidationError);
    await expect(post(url)).rejects.toMatchObject({ code: "invalid_url" });
    expect(dials.length).toBe(before);
  });
});

describe("postWebhook: SSRF guard at connect time", () => {
  const strict = { allowPrivateNetwork: false } as const;

  it("blocks a name that resolves to loopback without any connection", async () => {
    const receiver = await startReceiver(respond(200));
    const before = dials.length;

    const error = await transportError(
      post(`http://hooks.example.test:${receiver.port}/in?token=secret`, { ...strict, lookup: lookupTo("127.0.0.1") }),
    );

    expect(error.code).toBe("blocked_address");
    expect(error.message).toContain("hooks.example.test");
    expect(error.message).not.toContain("secret");
    expect(receiver.connections).toBe(0);
    expect(dials.slice(before)).toEqual([]);
  });

  it("blocks a name whose answer mixes a public and a loopback address", async () => {
    const receiver = await startReceiver(respond(200));
    const before = dials.length;

    const error = await transportError(
      post(`http://hooks.example.test:${receiver.port}/`, { ...strict, lookup: lookupTo("93.184.215.14", "127.0.0.1") }),
    );

    expect(error.code).toBe("blocked_address");
    expect(receiver.connections).toBe(0);
    expect(dials.slice(before)).toEqual([]);
  });

  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::1", "[::1]"],
  ])("blocks the IP literal %s without any connection", async (listenHost, urlHost) => {
    const receiver = await startReceiver(respond(200), { host: listenHost });
    const before = dials.length;

    const error = await transportError(post(`http://${urlHost}:${receiver.port}/`, strict));

    expect(error.code).toBe("blocked_address");
    expect(receiver.connections).toBe(0);
    expect(dials.slice(before)).toEqual([]);
  });

  it("dials the address from the injected lookup when private networks are allowed", async () => {
    const receiver = await startReceiver(respond(204));
    const before = dials.length;

    const response = await post(`http://hooks.example.test:${receiver.port}/in`, {
      allowPrivateNetwork: true,
      lookup: lookupTo("127.0.0.1"),
    });

    expect(response.status).toBe(204);
    expect(receiver.requests[0]!.headers.host).toBe(`hooks.example.test:${receiver.port}`);
    // The firewall sees real dials, so the empty dial lists asserted above mean something.
    expect(dials.slice(before)).toEqual(["127.0.0.1"]);
  });

  it.each([
    ["169.254.169.254", true],
    ["169.254.0.1", { allowPrivateNetwork: true, allowedPrivateCidrs: [ipaddr.parseCIDR("169.254.0.0/16")] }],
    ["fe80::1", true],
    ["fd00:ec2::254", true],
    ["::ffff:169.254.169.254", true],
    ["100.100.100.200", true],
  ] as const)("never dials the link-local or metadata address %s, whatever is allowed", async (address, policy) => {
    const before = dials.length;
    const error = await transportError(
      post("http://metadata.example.test/latest/meta-data/", { allowPrivateNetwork: policy as never, lookup: lookupTo(address) }),
    );
    expect(error.code).toBe("blocked_address");
    expect(dials.slice(before)).toEqual([]);
  });

  it("opens only the private ranges an allowlist names", async () => {
    const receiver = await startReceiver(respond(200));
    const listed = { allowPrivateNetwork: false, allowedPrivateCidrs: [ipaddr.parseCIDR("127.0.0.0/8")] };
    const other = { allowPrivateNetwork: false, allowedPrivateCidrs: [ipaddr.parseCIDR("10.1.0.0/16")] };

    await expect(post(`http://hooks.example.test:${receiver.port}/`, { allowPrivateNetwork: listed, lookup: lookupTo("127.0.0.1") })).resolves.toMatchObject({ status: 200 });
    const error = await transportError(post(`http://127.0.0.1:${receiver.port}/`, { allowPrivateNetwork: other }));
    expect(error.code).toBe("blocked_address");
    expect(receiver.requests).toHaveLength(1);
  });

  describe("default policy from the run mode and WEBHOOK_ALLOW_PRIVATE_NETWORK", () => {
    const saved = { ...process.env };
    beforeEach(() => {
      delete process.env.APP_ENV;
      delete process.env.WEBHOOK_ALLOWED_PRIVATE_CIDRS;
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    it.each([
      [{ APP_ENV: "development" }, "allowed"],
      [{ APP_ENV: "production", WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" }, "blocked"],
      [{ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" }, "blocked"],
      [{ NODE_ENV: "production", WEBHOOK_ALLOWED_PRIVATE_CIDRS: "127.0.0.1/32" }, "allowed"],
    ])("%j → loopback %s", async (vars, outcome) => {
      const receiver = await startReceiver(respond(200));
      Object.assign(process.env, vars);

      const result = postWebhook({ url: receiver.url, headers: {}, body: "" });

      if (outcome === "allowed") {
        await expect(result).resolves.toMatchObject({ status: 200 });
        expect(receiver.requests).toHaveLength(1);
      } else {
        await expect(result).rejects.toMatchObject({ code: "blocked_address" });
        expect(receiver.connections).toBe(0);
      }
    });

    it.each([
      [undefined, "blocked"],
      ["false", "blocked"],
      ["1", "blocked"],
      ["true", "allowed"],
    ])("WEBHOOK_ALLOW_PRIVATE_NETWORK=%j → loopback %s", async (value, outcome) => {
      const receiver = await startReceiver(respond(200));
      if (value === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
      else process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = value;

      const result = postWebhook({ url: receiver.url, headers: {}, body: "" });

      if (outcome === "allowed") {
        await expect(result).resolves.toMatchObject({ status: 200 });
        expect(receiver.requests).toHaveLength(1);
      } else {
        await expect(result).rejects.toMatchObject({ code: "blocked_address" });
        expect(receiver.connections).toBe(0);
      }
    });
  });
});

/** Runs one allowed-private-network postWebhook in a fresh Node process with extra env. */
async function postFromChildProcess(url: string, env: Record<string, string>): Promise<unknown> {
  const script = `
    const { postWebhook, closeTransport } = require(${JSON.stringify(path.resolve(__dirname, "../../lib/webhooks/transport.ts"))});
    postWebhook({ url: ${JSON.stringify(url)}, headers: {}, body: "", allowPrivateNetwork: true })
      .then((r) => ({ status: r.status }), (e) => ({ code: e.code, cause: e.cause && e.cause.code }))
      .then((outcome) => { process.stdout.write(JSON.stringify(outcome)); return closeTransport(); });
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--require", "tsx/cjs", "-e", script], {
    env: { ...process.env, NODE_OPTIONS: "", ...env },
    timeout: 20_000,
  });
  return JSON.parse(stdout);
}

