import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { appClient } from "@/scripts/app-client";
import { DEMO_EMAIL } from "@/scripts/smoke";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";

/**
 * `listen` as a developer uses it: the app started with `npm start` on PostgreSQL, an API key
 * made on the keys route, the real CLI in its own process forwarding to a receiver on this
 * machine, events sent through the ingest API. Once, on PostgreSQL (with the other
 * multi-process suites): it starts the app and a CLI process.
 */
jest.setTimeout(600_000);

const describeOnPostgres = adminDatabaseUrl() ? describe : describe.skip;

interface Cli {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function startCli(args: string[]): Cli {
  const root = path.resolve(__dirname, "../..");
  const child = spawn(process.execPath, [path.join(root, "bin/webhooks-listen.cjs"), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME } as unknown as NodeJS.ProcessEnv,
  });
  const lines: string[] = [];
  let partial = "";
  const take = (chunk: Buffer) => {
    partial += chunk.toString("utf8");
    const parts = partial.split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, exited };
}

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeOnPostgres("the listen CLI against a running app", () => {
  let app: RunningApp | undefined;
  let drop: (() => Promise<void>) | undefined;
  let receiver: http.Server | undefined;
  const clis: Cli[] = [];
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    const scratch = await createScratchPostgres();
    drop = scratch.drop;
    app = await startApp({ databaseUrl: scratch.url });
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        received.push({ headers: request.headers, body });
        const fail = body.includes("fail-me");
        response.writeHead(fail ? 500 : 200, { "content-type": "text/plain" }).end(fail ? "local handler crashed" : "thanks");
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    for (const cli of clis) cli.child.kill("SIGKILL");
    await new Promise((resolve) => receiver?.close(resolve));
    await app?.stop();
    await drop?.();
  });

  it("forwards signed deliveries to localhost, records each answer, and keeps what waits across a reconnect", async () => {
    const client = appClient(app!.url);
    const password = readFileSync(path.join(app!.dataDir, "demo-credentials"), "utf8").trim();
    client.keepCookies(await client.call("/api/auth/sign-in/email", { body: { email: DEMO_EMAIL, password } }));
    const organizations = (await client.call("/api/auth/organization/list")).json as unknown as { id: string; slug: string }[];
    const demo = organizations.find((organization) => organization.slug === "demo")!;
    const made = await client.call("/api/api-keys", {
      body: { name: "laptop", scopes: ["events:write", "endpoints:write", "deliveries:read"] },
      headers: { "x-organization-id": demo.id },
    });
    expect(made.status).toBe(201);
    const key = made.json!.key as string;
    const api = (route: string, init: RequestInit = {}) =>
      fetch(new URL(route, app!.url), { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers } });

    const forwardTo = `http://127.0.0.1:${(receiver!.address() as AddressInfo).port}/hooks`;
    const cli = startCli(["--forward-to", forwardTo, "--url", app!.url, "--api-key", key, "--events", "invoice.settled"]);
    clis.push(cli);
    await until("the CLI connects", () => cli.lines.includes("Connected; waiting for events."));
    const [, endpointId, secret] = /^Endpoint (ep_\w+); its signing secret is (whsec_\S+)$/.exec(cli.lines.find((line) => line.startsWith("Endpoint ")) ?? "") ?? [];
    expect(endpointId).toBeDefined();

    for (const [idempotencyKey, event, data] of [
      ["listen-1", "invoice.settled", { invoiceId: "inv_1" }],
      ["listen-2", "invoice.settled", { invoiceId: "fail-me" }],
      ["listen-3", "user.joined", { userId: "u_1" }],
    ] as const) {
      const sent = await api("/api/v1/events", { method: "POST", body: JSON.stringify({ event, idempotencyKey, data }) });
      expect(sent.status).toBe(202);
    }

    await until("both subscribed events reach the local receiver", () => received.length >= 2);
    const verifier = new Webhook(secret!);
    for (const request of received) {
      expect(() => verifier.verify(request.body, request.headers as Record<string, string>)).not.toThrow();
      expect(request.headers["x-webhook-event"]).toBe("invoice.settled");
    }
    await until("the CLI prints both answers", () => cli.lines.some((line) => / invoice\.settled +msg_\w+ +→ 200 OK \(\d+ ms\)$/.test(line)) && cli.lines.some((line) => /→ 500 Internal Server Error/.test(line)));

    // The history has them as attempts: one delivered, one retrying on the schedule.
    const history = await until("the attempts are recorded", async () => {
      const page = (await (await api(`/api/webhooks/deliveries?endpointId=${endpointId}`)).json()) as { items: { status: string; attempts: number; state: { outcome: string } }[] };
      return page.items.length === 2 && page.items.every((item) => item.attempts === 1) ? page : undefined;
    });
    expect(history.items.map((item) => item.state.outcome).sort()).toEqual(["delivered", "retrying"]);

    // Ctrl-C: the endpoint is disabled, the retrying delivery waits (held), nothing is cancelled.
    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(0);
    expect(cli.lines.at(-1)).toContain(`resume it with --endpoint ${endpointId}`);
    // The server notices the stream closing a moment later.
    const endpoint = await until("the endpoint is disabled", async () => {
      const answer = (await (await api(`/api/webhooks/endpoints/${endpointId}`)).json()) as { endpoint: { status: string; kind: string; disabledReason: string } };
      return answer.endpoint.status === "disabled" ? answer : undefined;
    });
    expect(endpoint.endpoint).toMatchObject({ kind: "cli", status: "disabled", disabledReason: "The listen CLI is not connected" });
    const waiting = (await (await api(`/api/webhooks/deliveries?endpointId=${endpointId}&status=held`)).json()) as { items: { status: string }[] };
    expect(waiting.items).toHaveLength(1);
    expect(waiting.items[0]).toMatchObject({ status: "pending" });

    // Resumed: the same endpoint and secret, connected again.
    const again = startCli(["--forward-to", forwardTo, "--url", app!.url, "--api-key", key, "--endpoint", endpointId!]);
    clis.push(again);
    await until("the resumed CLI connects", () => again.lines.includes("Connected; waiting for events."));
    expect(again.lines).toContain(`Endpoint ${endpointId}; its signing secret is ${secret}`);
    // It says what the endpoint receives, not what this command line did not ask for.
    expect(again.lines).toContain(`Ready. Forwarding invoice.settled to ${forwardTo}`);
    // What waited comes at once, not at its next scheduled retry.
    await until("the waiting delivery is sent again on the resume", () => received.filter((request) => request.body.includes("fail-me")).length >= 2);
    expect(((await (await api(`/api/webhooks/endpoints/${endpointId}`)).json()) as { endpoint: { status: string } }).endpoint.status).toBe("active");
    await api("/api/v1/events", { method: "POST", body: JSON.stringify({ event: "invoice.settled", idempotencyKey: "listen-4", data: { invoiceId: "inv_4" } }) });
    await until("the event sent after the reconnect arrives", () => received.some((request) => request.body.includes("inv_4")));
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);

    // Resuming is for a listen session's endpoint, and keeps its event types: said before anything is read.
    const webEndpoint = await api("/api/webhooks/endpoints", { method: "POST", body: JSON.stringify({ url: "https://hooks.example.com/in" }) });
    expect(webEndpoint.status).toBe(201);
    const webId = ((await webEndpoint.json()) as { endpoint: { id: string } }).endpoint.id;
    const notListen = startCli(["--forward-to", forwardTo, "--url", app!.url, "--api-key", key, "--endpoint", webId]);
    clis.push(notListen);
    expect(await notListen.exited).toBe(1);
    expect(notListen.lines.join("\n")).toContain(`${webId} is not a listen session's endpoint`);
    expect(notListen.lines.join("\n")).not.toContain("whsec_");
    const withEvents = startCli(["--forward-to", forwardTo, "--url", app!.url, "--api-key", key, "--endpoint", endpointId!, "--events", "user.joined"]);
    clis.push(withEvents);
    expect(await withEvents.exited).toBe(1);
    expect(withEvents.lines.join("\n")).toContain("--events is for a new session");

    // A key without endpoints:write cannot listen.
    const reader = await client.call("/api/api-keys", { body: { name: "reader", scopes: ["deliveries:read"] }, headers: { "x-organization-id": demo.id } });
    const refused = startCli(["--forward-to", forwardTo, "--url", app!.url, "--api-key", reader.json!.key as string]);
    clis.push(refused);
    expect(await refused.exited).toBe(1);
    expect(refused.lines.join("\n")).toContain("endpoints:write");
  });
});
