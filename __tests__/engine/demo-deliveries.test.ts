import http from "node:http";
import type { AddressInfo } from "node:net";
import * as receiverRoute from "@/app/api/dev/inbox/[token]/route";
import { prisma } from "@/lib/db";
import { DEMO_EVENTS, seedDemoDeliveries } from "@/lib/demo/deliveries";
import { seedDemoData } from "@/lib/seed";
import { processDueDeliveries } from "@/lib/webhooks";
import { closeTransport } from "@/lib/webhooks/transport";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery } from "../helpers/fixtures";

/**
 * The demo data end to end, short of Next.js itself: the real worker delivers
 * over real HTTP to the real receiver route handler, served by a small node:http
 * adapter on port 0 (Next's router cannot run inside Jest).
 */
const db = setupTestDatabase();
allowLoopbackDelivery();

let savedAppEnv: string | undefined;
let app: { url: string; close: () => Promise<void> };

/** Serves `POST /api/dev/inbox/<token>` with the route handler, as Next would; anything else is 404. */
async function serveReceiverRoute(): Promise<typeof app> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const token = /^\/api\/dev\/inbox\/([^/?]+)$/.exec(req.url ?? "")?.[1];
      if (!token || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(`http://${req.headers.host}${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) });
      const response = await receiverRoute.POST(request, { params: Promise.resolve({ token }) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  savedAppEnv = process.env.APP_ENV;
  process.env.APP_ENV = "development";
  app = await serveReceiverRoute();
});
afterAll(async () => {
  if (savedAppEnv === undefined) delete process.env.APP_ENV;
  else process.env.APP_ENV = savedAppEnv;
  await app.close();
  await closeTransport();
});
beforeEach(() => db.truncate());

async function counts() {
  return {
    inboxes: await prisma.devInbox.count(),
    endpoints: await prisma.webhookEndpoint.count(),
    events: await prisma.webhookEvent.count(),
    deliveries: await prisma.webhookDelivery.count(),
  };
}

describe("seedDemoDeliveries", () => {
  it("creates two inboxes, an endpoint on each and the demo events once; a second run adds nothing", async () => {
    const { organization } = await seedDemoData(prisma);
    const first = await seedDemoDeliveries({ organizationId: organization.id, appUrl: app.url });
    expect(first).toMatchObject({ endpointsCreated: 2, eventsCreated: DEMO_EVENTS.length });
    const after = await counts();
    // Every event goes to the inbox that answers 200; one of them also to the one that answers 503.
    expect(after).toEqual({ inboxes: 2, endpoints: 2, events: DEMO_EVENTS.length, deliveries: DEMO_EVENTS.length + 1 });

    const second = await seedDemoDeliveries({ organizationId: organization.id, appUrl: app.url });
    expect(second).toMatchObject({ endpointsCreated: 0, eventsCreated: 0, inbox: first.inbox, failingInbox: first.failingInbox });
    expect(await counts()).toEqual(after);
  });

  it("points the endpoints at the new address when the app moved (another PORT), adding nothing", async () => {
    const { organization } = await seedDemoData(prisma);
    const first = await seedDemoDeliveries({ organizationId: organization.id, appUrl: "http://localhost:3999" });
    const before = await counts();
    await seedDemoDeliveries({ organizationId: organization.id, appUrl: app.url });
    expect(await counts()).toEqual(before);
    const urls = (await prisma.webhookEndpoint.findMany()).map((endpoint) => endpoint.url).sort();
    expect(urls).toEqual([first.inbox.receiverUrl, first.failingInbox.receiverUrl].map((url) => url.replace("http://localhost:3999", app.url)).sort());
  });

  it("is delivered by the worker: signed requests recorded with both signatures valid, the 503 inbox's delivery retrying", async () => {
    const { organization } = await seedDemoData(prisma);
    const demo = await seedDemoDeliveries({ organizationId: organization.id, appUrl: app.url });
    await processDueDeliveries();

    const inboxRequests = (token: string) => prisma.devInbox.findUniqueOrThrow({ where: { token }, include: { requests: true } });
    const okInbox = await inboxRequests(demo.inbox.token);
    const failingInbox = await inboxRequests(demo.failingInbox.token);
    const endpoints = await prisma.webhookEndpoint.findMany();
    const okEndpoint = endpoints.find((endpoint) => endpoint.url === demo.inbox.receiverUrl)!;
    const failingEndpoint = endpoints.find((endpoint) => endpoint.url === demo.failingInbox.receiverUrl)!;

    const toOk = await prisma.webhookDelivery.findMany({ where: { endpointId: okEndpoint.id } });
    expect(toOk.map((delivery) => delivery.status)).toEqual(DEMO_EVENTS.map(() => "delivered"));
    expect(okInbox.requests).toHaveLength(DEMO_EVENTS.length);
    for (const request of okInbox.requests) {
      expect(request).toMatchObject({ method: "POST", legacySignatureValid: true, standardSignatureValid: true, matchedEndpointId: okEndpoint.id });
    }
    // The inbox saw each delivery's webhook-id and the event's stored bytes, exactly.
    const events = await prisma.webhookEvent.findMany();
    const received = okInbox.requests.map((request) => [(request.headers as Record<string, string>)["webhook-id"], request.body]).sort();
    const sent = toOk.map((delivery) => [delivery.id, events.find((event) => event.id === delivery.eventId)!.body]).sort();
    expect(received).toEqual(sent);

    const [retrying, ...none] = await prisma.webhookDelivery.findMany({ where: { endpointId: failingEndpoint.id } });
    expect(none).toEqual([]);
    expect(retrying).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 503, event: "invoice.payment_failed" });
    expect(retrying!.nextAttemptAt).not.toBeNull();
    expect(failingInbox.requests).toEqual([expect.objectContaining({ legacySignatureValid: true, standardSignatureValid: true, matchedEndpointId: failingEndpoint.id })]);
  });
});
