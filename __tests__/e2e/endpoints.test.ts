import crypto from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;
import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";
import { describeBrowser, launchBrowser, SCREENSHOTS } from "../helpers/browser";

/**
 * The endpoints list and an endpoint's page, in a real browser against `npm start`: two
 * endpoints on one host told apart by their URLs, a failing endpoint shown as failing, each
 * section of the endpoint page, the test-event picker sending the type chosen, and both pages
 * at a phone's width.
 */

jest.setTimeout(300_000);
const PASSWORD = "correct horse battery staple";
const EMAIL = "erin@endpoints.example";

describeBrowser("endpoints in a browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let healthy: Receiver;
  let broken: Receiver;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    healthy = await startReceiver(respondWith(200, { "content-type": "text/plain" }, "received"));
    broken = await startReceiver(respondWith(500, { "content-type": "text/plain" }, "boom"));
    let databaseUrl: string | undefined;
    if (adminDatabaseUrl()) {
      const scratch = await createScratchPostgres();
      databaseUrl = scratch.url;
      dropDatabase = scratch.drop;
    }
    // The receivers are plain http on loopback, which a production build refuses; this instance allows both.
    app = await startApp({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", WEBHOOK_ALLOW_HTTP: "true" } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await healthy?.close();
    await broken?.close();
    await dropDatabase?.();
  });

  async function newPage(viewport = { width: 1280, height: 900 }, storageState?: StorageState): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: app.url.replace("//127.0.0.1:", "//localhost:"), viewport, storageState });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return { context, page };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `endpoints-${name}.png`), fullPage: true });

  let failurePage: Page | undefined;
  afterEach(async () => {
    if (failurePage && !failurePage.isClosed()) await shot(failurePage, `last-${expect.getState().currentTestName?.replace(/\W+/g, "-")}`).catch(() => {});
    failurePage = undefined;
  });

  /** Adds an endpoint through the form; returns its page's path. */
  async function addEndpoint(page: Page, url: string, description: string): Promise<string> {
    await page.goto(`${base}/new`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByLabel("Description").fill(description);
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.getByTestId("endpoint-secret").waitFor();
    await page.getByRole("link", { name: "Open endpoint" }).click();
    await page.waitForURL(/\/settings\/webhooks\/ep_[0-9a-z]+$/);
    return new URL(page.url()).pathname;
  }

  /** Opens the test-event panel (after hydration), sends `eventType` and waits for the answer. */
  async function sendTestEvent(page: Page, eventType: string, expected: RegExp) {
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByLabel("Event type").selectOption(eventType);
    await page.getByRole("button", { name: `Send ${eventType}` }).click();
    await page.getByTestId("test-result").getByText(expected).first().waitFor();
  }

  let base = "";
  let ordersUrl = "";
  let billingUrl = "";
  let brokenUrl = "";
  let ordersPath = "";
  let brokenPath = "";

  it("tells two endpoints on one host apart by their full URLs", async () => {
    const { context, page } = await newPage();
    failurePage = page;
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Erin Endpoints");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/onboarding");
    await page.getByLabel("Organization name").fill("Endpoints Co");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/orgs\/[a-z0-9-]+\/settings\/webhooks$/);
    base = new URL(page.url()).pathname;

    ordersUrl = `${healthy.url}/orders?token=abc`;
    billingUrl = `${healthy.url}/billing`;
    brokenUrl = broken.url;
    ordersPath = await addEndpoint(page, ordersUrl, "Orders service");
    await addEndpoint(page, billingUrl, "Billing service");
    brokenPath = await addEndpoint(page, brokenUrl, "Always answers 500");

    await page.goto(base);
    const table = page.getByRole("table", { name: "Endpoints" });
    await table.waitFor();
    // The list opens on the endpoints, not below a dashboard.
    await expect(page.getByRole("heading", { name: "Delivery health" }).count()).resolves.toBe(0);
    const orders = table.getByRole("row").filter({ has: page.getByRole("link", { name: ordersUrl, exact: true }) });
    const billing = table.getByRole("row").filter({ has: page.getByRole("link", { name: billingUrl, exact: true }) });
    await expect(orders.count()).resolves.toBe(1);
    await expect(billing.count()).resolves.toBe(1);
    expect(await orders.textContent()).toContain("Orders service");
    expect(await billing.textContent()).toContain("Billing service");
    expect(await billing.textContent()).not.toContain("Orders service");
    expect(await page.getByRole("navigation", { name: "Webhooks" }).getByRole("link", { name: "Endpoints" }).getAttribute("aria-current")).toBe("page");
    await shot(page, "01-list");

    // The dashboard is its own tab; an old link with ?period= lands on it.
    await page.goto(`${base}?period=7d`);
    await page.waitForURL(`**${base}/health?period=7d`);
    await page.getByRole("heading", { name: "Delivery health" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Dashboard period" }).getByRole("link", { name: "7 days" }).getAttribute("aria-current")).toBe("page");
    expect(await page.getByRole("navigation", { name: "Webhooks" }).getByRole("link", { name: "Delivery health" }).getAttribute("aria-current")).toBe("page");
    failurePage = undefined;
    await context.close();
  });

  /** The session of the one sign-in, reused by every later test: sign-in allows 5 a minute per address. */
  let session: StorageState | undefined;

  async function signedIn(viewport?: { width: number; height: number }) {
    if (session) return newPage(viewport, session);
    const opened = await newPage(viewport);
    await opened.page.goto("/sign-in");
    await opened.page.getByLabel("Email").fill(EMAIL);
    await opened.page.getByLabel("Password").fill(PASSWORD);
    await opened.page.getByRole("button", { name: "Sign in" }).click();
    await opened.page.waitForURL(`**${base}`);
    session = await opened.context.storageState();
    return opened;
  }

  it("shows an endpoint whose receiver answers 500 as Failing, not Active", async () => {
    const { context, page } = await signedIn();
    failurePage = page;
    await page.goto(brokenPath);
    await sendTestEvent(page, "webhook.test", /500/);
    expect(broken.requests).toHaveLength(1);

    await page.goto(base);
    const row = page.getByRole("table", { name: "Endpoints" }).getByRole("row").filter({ has: page.getByRole("link", { name: brokenUrl, exact: true }) });
    await row.getByText("Failing", { exact: true }).waitFor();
    expect(await row.textContent()).not.toContain("Active");
    expect(await row.textContent()).toContain("of 1 attempted");
    // Its own page says so too, in the header every section shares.
    await page.goto(brokenPath);
    await page.getByText("Failing", { exact: true }).first().waitFor();

    // Diagnose says which step fails and what to do: the network is fine, the server answers 500.
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: "Diagnose" }).click();
    await page.getByRole("button", { name: "Run diagnosis" }).click();
    const diagnosis = page.getByTestId("diagnosis");
    await diagnosis.getByText("Signed test request failed: deliveries to 127.0.0.1 cannot succeed until it is fixed.").waitFor();
    const verdicts: [string, string][] = [["dns", "Passed"], ["tcp", "Passed"], ["tls", "Skipped"], ["request", "Failed"], ["signature", "Skipped"]];
    for (const [step, verdict] of verdicts) {
      await page.getByTestId(`diagnosis-step-${step}`).getByText(verdict, { exact: true }).waitFor();
    }
    const request = page.getByTestId("diagnosis-step-request");
    await request.getByText(/Your server failed while handling the event/).waitFor();
    await request.getByText("boom").waitFor();
    expect(await request.getByRole("link", { name: "More in the guide" }).getAttribute("href")).toBe("/docs/webhooks#troubleshoot-response");
    expect(broken.requests).toHaveLength(2);
    await shot(page, "03-diagnose");
    failurePage = undefined;
    await context.close();
  });

  it("loads each section of the endpoint page under a header with the full URL", async () => {
    const { context, page } = await signedIn();
    failurePage = page;
    await page.goto(ordersPath);
    await page.getByRole("heading", { level: 1, name: ordersUrl }).waitFor();
    await page.getByText("Orders service").first().waitFor();
    const sections = page.getByRole("navigation", { name: "Endpoint sections" });
    const expectations: [string, () => Promise<void>][] = [
      ["Overview", () => page.getByRole("figure", { name: "Success rate (%)" }).waitFor()],
      ["Deliveries", () => page.getByRole("heading", { name: "Recent deliveries" }).waitFor()],
      ["Settings", () => page.getByRole("button", { name: "Disable endpoint" }).waitFor()],
      ["Signing secret", () => page.getByRole("button", { name: "Reveal" }).waitFor()],
      ["Danger zone", () => page.getByRole("button", { name: "Delete endpoint" }).waitFor()],
    ];
    for (const [name, loaded] of expectations) {
      await sections.getByRole("link", { name }).click();
      await loaded();
      expect(await sections.getByRole("link", { name }).getAttribute("aria-current")).toBe("page");
      // Every section keeps the header: full URL, description, health and the test send.
      await page.getByRole("heading", { level: 1, name: ordersUrl }).waitFor();
      await page.getByText("Orders service").first().waitFor();
      await page.getByRole("button", { name: "Send test event" }).waitFor();
      await shot(page, `02-${name.toLowerCase().replace(/\W+/g, "-")}`);
    }
    await sections.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(`**${ordersPath}/settings`);
    expect(await page.getByLabel("Endpoint URL").inputValue()).toBe(ordersUrl);
    failurePage = undefined;
    await context.close();
  });

  it("shows the chosen event type's sample and sends that type", async () => {
    const { context, page } = await signedIn();
    failurePage = page;
    await page.goto(ordersPath);
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByLabel("Event type").selectOption("invoice.paid");
    const payload = page.getByTestId("test-event-payload");
    const sample = EVENT_CATALOGUE.find((definition) => definition.name === "invoice.paid")!.example;
    await payload.getByText('"invoice.paid"').waitFor();
    expect(await payload.textContent()).toContain('"invoiceId": "inv_123"');
    expect(await payload.textContent()).toContain('"idempotencyKey": "test-');
    await shot(page, "03-picker");
    const before = healthy.requests.length;
    await page.getByRole("button", { name: "Send invoice.paid" }).click();
    await page.getByTestId("test-result").getByText(/HTTP 200/).waitFor();

    const received = healthy.requests.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe("/webhooks/orders?token=abc");
    const body = JSON.parse(received[0]!.body);
    expect(body).toMatchObject({ event: "invoice.paid", idempotencyKey: expect.stringMatching(/^test-msg_/), data: sample });

    await page.getByRole("navigation", { name: "Endpoint sections" }).getByRole("link", { name: "Deliveries" }).click();
    const row = page.getByRole("table").getByRole("row").filter({ hasText: body.idempotencyKey });
    await row.getByText("invoice.paid").waitFor();
    await row.getByText("Delivered").first().waitFor();
    const all = page.getByRole("link", { name: "All deliveries of this endpoint" });
    expect(await all.getAttribute("href")).toContain(`endpointId=${path.basename(ordersPath)}`);
    failurePage = undefined;
    await context.close();
  });

  it("creates an Ed25519 endpoint whose PEM, downloaded from its Signing key page, verifies a real delivery; switches it to HMAC", async () => {
    const { context, page } = await signedIn();
    failurePage = page;
    await page.goto(`${base}/new`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Endpoint URL").fill(`${healthy.url}/ed25519`);
    await page.getByRole("radio", { name: /Ed25519/ }).check();
    await page.getByRole("button", { name: "Create endpoint" }).click();
    const publicKey = (await page.getByTestId("endpoint-public-key").textContent())!;
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    await expect(page.getByTestId("endpoint-secret").count()).resolves.toBe(0);
    await page.getByRole("link", { name: "Open endpoint" }).click();
    await page.waitForURL(/\/settings\/webhooks\/ep_[0-9a-z]+$/);

    await page.getByRole("navigation", { name: "Endpoint sections" }).getByRole("link", { name: "Signing key" }).click();
    await page.getByRole("heading", { name: "Signing key (Ed25519)" }).waitFor();
    expect(await page.getByTestId("public-key").textContent()).toBe(publicKey);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PEM" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^ep_[0-9a-z]+-public-key\.pem$/);
    const pem = readFileSync((await download.path())!, "utf8");
    await shot(page, "07-signing-key");

    const before = healthy.requests.length;
    await sendTestEvent(page, "webhook.test", /HTTP 200/);
    const [request] = healthy.requests.slice(before);
    expect(request!.path).toBe("/webhooks/ed25519");
    // v1a only: no shared secret, so no v1 entry and no legacy header.
    const entries = String(request!.headers["webhook-signature"]).split(" ");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^v1a,/);
    expect(request!.headers["x-webhook-signature"]).toBeUndefined();
    const signed = Buffer.from(`${request!.headers["webhook-id"]}.${request!.headers["webhook-timestamp"]}.${request!.body}`);
    const signature = Buffer.from(entries[0]!.slice("v1a,".length), "base64");
    expect(crypto.verify(null, signed, crypto.createPublicKey(pem), signature)).toBe(true);
    expect(crypto.verify(null, Buffer.concat([signed, Buffer.from(" ")]), crypto.createPublicKey(pem), signature)).toBe(false);

    // Back to HMAC: the new secret is shown once, and for the grace period both schemes sign.
    await page.getByRole("button", { name: "Switch to HMAC-SHA256" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Switch to HMAC-SHA256" }).click();
    const secret = (await page.getByTestId("switched-secret").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("heading", { name: "Signing secret" }).waitFor();
    await page.getByText(/The previous Ed25519 key also signs requests until/).waitFor();
    const afterSwitch = healthy.requests.length;
    await page.reload(); // closes the test-event panel the first send left open
    await sendTestEvent(page, "webhook.test", /HTTP 200/);
    const schemes = String(healthy.requests[afterSwitch]!.headers["webhook-signature"]).split(" ").map((entry) => entry.split(",")[0]);
    expect(schemes).toEqual(["v1", "v1a"]);
    failurePage = undefined;
    await context.close();
  });

  it("keeps the delivery controls set on the settings page and shows them on the overview; sends a custom header, shown masked; replays what a disabled endpoint missed", async () => {
    const { context, page } = await signedIn();
    failurePage = page;
    await page.goto(`${ordersPath}/settings`);
    await page.waitForLoadState("networkidle");
    const delivery = page.getByRole("region", { name: "Delivery" });
    await delivery.getByRole("radio", { name: /In order by ordering key/ }).check();
    await delivery.getByRole("checkbox", { name: /Limit how many attempts start each second/ }).check();
    await delivery.getByLabel("Attempts per second").fill("20");
    await delivery.getByRole("radio", { name: /^Short/ }).check();
    await delivery.getByRole("button", { name: "Save delivery settings" }).click();
    await delivery.getByRole("status").getByText("Delivery settings saved.").waitFor();

    await page.reload();
    await page.waitForLoadState("networkidle");
    const kept = page.getByRole("region", { name: "Delivery" });
    expect(await kept.getByRole("radio", { name: /In order by ordering key/ }).isChecked()).toBe(true);
    expect(await kept.getByLabel("Attempts per second").inputValue()).toBe("20");
    expect(await kept.getByRole("radio", { name: /^Short/ }).isChecked()).toBe(true);
    await shot(page, "05-delivery-controls");

    await page.getByRole("navigation", { name: "Endpoint sections" }).getByRole("link", { name: "Overview" }).click();
    await page.getByText("In order by ordering key, one at a time per key").waitFor();
    await page.getByText(/At most 20 attempts start per second · Short — 7 attempts over about 63 minutes/).waitFor();

    // Custom headers and replay, in the same session (sign-ins are limited to 5 a minute per address).
    const billingPath = await addEndpoint(page, `${healthy.url}/gateway`, "Behind a gateway");
    await page.goto(`${billingPath}/settings`);
    await page.waitForLoadState("networkidle");
    const headers = page.getByRole("region", { name: "Custom headers" });
    await headers.getByLabel("Header name").fill("Authorization");
    await headers.getByLabel("Value").fill("Bearer gw-e2e-token");
    await headers.getByRole("button", { name: "Save header" }).click();
    await headers.getByRole("status").getByText("Authorization added.").waitFor();
    await headers.getByRole("list", { name: "Saved headers" }).getByText("Authorization: ••••••••").waitFor();
    expect(await page.content()).not.toContain("gw-e2e-token");
    await sendTestEvent(page, "webhook.test", /200/);
    expect(healthy.requests.at(-1)!.headers.authorization).toBe("Bearer gw-e2e-token");

    // Disabled, it misses two events sent through the ingest API ...
    await page.getByRole("button", { name: "Disable endpoint" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disable endpoint" }).click();
    await page.getByRole("button", { name: "Enable endpoint" }).waitFor();
    await page.goto(base.replace(/\/webhooks$/, "/api-keys"));
    await page.getByLabel("Key name").fill("replay");
    await page.getByRole("button", { name: "Create key" }).click();
    const apiKey = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
    const before = healthy.requests.length;
    for (const idempotencyKey of ["missed-a", "missed-b"]) {
      const sent = await fetch(`${app.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ event: "order.shipped", idempotencyKey, data: { orderId: idempotencyKey } }),
      });
      expect(sent.status).toBe(202);
    }
    // ... and, enabled again, offers to replay them; they arrive with the header.
    await page.goto(`${billingPath}/settings`);
    await page.getByText(/2 events were missed so far/).waitFor();
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: "Enable endpoint" }).click();
    const replay = page.getByRole("button", { name: "Replay the 2 events since it was disabled" });
    await replay.waitFor();
    await shot(page, "06-replay-offer");
    await replay.click();
    // Said in the offer, then (once the refreshed page no longer offers anything) in the page's notice.
    await page.getByText("2 events queued for delivery again.").first().waitFor();
    // The other endpoints on this receiver got the events when they were sent; the gateway only now.
    const atGateway = () => healthy.requests.slice(before).filter((request) => request.path.endsWith("/gateway"));
    for (let i = 0; i < 60 && atGateway().length < 2; i++) await page.waitForTimeout(250);
    const replayed = atGateway();
    expect(replayed.map((request) => JSON.parse(request.body).idempotencyKey).sort()).toEqual(["missed-a", "missed-b"]);
    expect(replayed.every((request) => request.headers.authorization === "Bearer gw-e2e-token")).toBe(true);
    failurePage = undefined;
    await context.close();
  });

  it("fits the endpoints list and the endpoint page in a 390 px wide screen", async () => {
    const { context, page } = await signedIn({ width: 390, height: 844 });
    failurePage = page;
    for (const target of [base, `${base}/health`, ordersPath, `${ordersPath}/deliveries`, `${ordersPath}/settings`, `${ordersPath}/secret`, `${ordersPath}/danger`]) {
      await page.goto(target);
      await page.waitForLoadState("networkidle");
      const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
      expect([target, width <= 390 ? "fits" : `${width}px wide`]).toEqual([target, "fits"]);
      await shot(page, `04-mobile-${target.replace(/\W+/g, "-")}`);
    }
    failurePage = undefined;
    await context.close();
  });
});
