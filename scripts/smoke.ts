import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { appClient } from "./app-client";

/**
 * The lived-in smoke test, over HTTP against a running `npm start`, as a
 * newcomer would use it: sign in as the demo admin (password from
 * DATA_DIR/demo-credentials), open the demo organization's pages, add an
 * endpoint on a loopback `http://` receiver, send a test event, and check the
 * receiver got it with both signatures valid. CI runs it after a *second*
 * start on the same data folder. It cleans up the endpoint it made.
 *
 * Usage: `tsx scripts/smoke.ts <app url> <data dir>`; exits 1 with the failing step.
 */

export const DEMO_EMAIL = "admin@demo.example";

export interface SmokeResult {
  organizationId: string;
  endpointId: string;
  received: number;
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

class SmokeFailure extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new SmokeFailure(message);
}

/** Runs every step; throws an Error naming the first step that failed. */
export async function livedInSmoke(appUrl: string, dataDir: string, log: (line: string) => void = () => {}): Promise<SmokeResult> {
  const password = readFileSync(path.join(dataDir, "demo-credentials"), "utf8").trim();
  const client = appClient(appUrl);
  const call = client.call;

  const signIn = await call("/api/auth/sign-in/email", { body: { email: DEMO_EMAIL, password } });
  check(signIn.status === 200, `sign-in as ${DEMO_EMAIL} answered ${signIn.status}: ${signIn.text.slice(0, 200)}`);
  check(client.keepCookies(signIn).some((line) => line.includes("session_token")), "sign-in set no session cookie");
  log(`signed in as ${DEMO_EMAIL}`);

  const organizations = await call("/api/auth/organization/list");
  check(organizations.status === 200 && Array.isArray(organizations.json), `listing organizations answered ${organizations.status}`);
  const demo = (organizations.json as unknown as Array<{ id: string; slug: string }>).find((organization) => organization.slug === "demo");
  check(demo, "the demo admin is not a member of the demo organization");
  const scoped = { "x-organization-id": demo.id };
  // The organization's pages render for a signed-in member (a 500 here is what a second start used to do).
  const page = await call(`/orgs/${demo.slug}/settings/webhooks`, { headers: { accept: "text/html" } });
  check(page.status === 200, `the demo organization's webhooks page answered ${page.status}`);
  log(`organization ${demo.id} (demo) is reachable`);

  const received: Received[] = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  let endpointId = "";
  try {
    const created = await call("/api/webhooks/endpoints", { body: { url: receiverUrl, description: "lived-in smoke test" }, headers: scoped });
    check(created.status === 201, `creating an endpoint on ${receiverUrl} answered ${created.status}: ${created.text.slice(0, 300)}`);
    const secret = created.json?.secret as string;
    endpointId = (created.json?.endpoint as { id: string }).id;
    log(`created endpoint ${endpointId} on a loopback http receiver`);

    const test = await call(`/api/webhooks/endpoints/${endpointId}/test`, { method: "POST", headers: scoped });
    check(test.status === 200, `send test event answered ${test.status}: ${test.text.slice(0, 300)}`);
    check(received.length >= 1, `the receiver got nothing (test result: ${test.text.slice(0, 300)})`);
    const [first] = received as [Received];
    const legacy = createHmac("sha256", secret).update(first.body, "utf8").digest();
    const sent = Buffer.from(String(first.headers["x-webhook-signature"] ?? ""), "hex");
    check(sent.length === legacy.length && timingSafeEqual(sent, legacy), "x-webhook-signature does not verify");
    try {
      new Webhook(secret).verify(first.body, first.headers as Record<string, string>);
    } catch (error) {
      throw new SmokeFailure(`webhook-signature does not verify with the Standard Webhooks library: ${(error as Error).message}`);
    }
    log(`the receiver got the test event, both signatures valid (${first.headers["x-webhook-event"]})`);
    return { organizationId: demo.id, endpointId, received: received.length };
  } finally {
    if (endpointId) await call(`/api/webhooks/endpoints/${endpointId}`, { method: "DELETE", headers: scoped }).catch(() => undefined);
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}

if (require.main === module) {
  const [appUrl, dataDir] = process.argv.slice(2);
  if (!appUrl || !dataDir) {
    process.stderr.write("usage: tsx scripts/smoke.ts <app url> <data dir>\n");
    process.exit(2);
  }
  livedInSmoke(appUrl, dataDir, (line) => process.stdout.write(`  ok: ${line}\n`)).then(
    () => process.stdout.write("lived-in smoke test passed\n"),
    (error: unknown) => {
      process.stderr.write(`lived-in smoke test failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
