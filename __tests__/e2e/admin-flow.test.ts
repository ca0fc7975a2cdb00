import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";

/**
 * The org admin's day, in a real browser against `npm start`: sign up, create an
 * organization, add an endpoint pointing at a local receiver, send a test event,
 * ingest an event with an API key, watch it delivered in history, open it,
 * redeliver — and check roles and tenancy from the outside.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = path.resolve(__dirname, "../../e2e-artifacts");
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium is required for the browser tests in CI (${CHROMIUM} not found)`);
if (!available) console.warn(`Skipping browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
const describeBrowser = available ? describe : describe.skip;

jest.setTimeout(300_000);
const METRICS_TOKEN = "e2e-metrics-token-0123456789";

describeBrowser("org admin in a browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let receiver: Receiver;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    receiver = await startReceiver(respondWith(200, { "content-type": "text/plain" }, "received, thanks"));
    let databaseUrl: string | undefined;
    if (adminDatabaseUrl()) {
      const scratch = await createScratchPostgres();
      databaseUrl = scratch.url;
      dropDatabase = scratch.drop;
    }
    // The receiver is plain http on loopback, which a production build refuses; this instance allows both.
    app = await startApp({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", WEBHOOK_ALLOW_HTTP: "true", METRICS_TOKEN } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await receiver?.close();
    await dropDatabase?.();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: app.url, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return { context, page };
  }

  async function signUpAndCreateOrg(page: Page, name: string, email: string, organization: string) {
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery staple");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/onboarding");
    await page.getByLabel("Organization name").fill(organization);
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL("**/settings/webhooks");
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  let failurePage: Page | undefined;
  afterEach(async () => {
    // Leave a picture of whatever page a failing step was looking at.
    if (failurePage && !failurePage.isClosed()) await shot(failurePage, `last-${expect.getState().currentTestName?.replace(/\W+/g, "-")}`).catch(() => {});
    failurePage = undefined;
  });

  let deliveryPath = "";
  let endpointPath = "";
  let invitationLink = "";

  it("runs the whole admin flow", async () => {
    const { context, page } = await newPage();
    failurePage = page;
    await page.goto("/");
    await shot(page, "01-home");
    await signUpAndCreateOrg(page, "Ada Admin", "ada@acme.example", "Acme");
    await shot(page, "02-webhooks-empty");

    await page.getByRole("link", { name: "Add endpoint" }).click();
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("Description").fill("Local receiver");
    await shot(page, "03-new-endpoint");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    const secret = (await page.getByTestId("endpoint-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_/);

    await page.goto("/settings/webhooks");
    await page.getByRole("link", { name: /Local receiver|127\.0\.0\.1/ }).first().click();
    await page.waitForURL(/\/settings\/webhooks\/ep_/);
    endpointPath = new URL(page.url()).pathname;
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByTestId("test-result").getByText(/200/).waitFor();
    expect(receiver.requests.at(-1)?.body).toContain('"event":"webhook.test"');
    await page.getByRole("button", { name: "Reveal" }).click();
    expect((await page.getByTestId("revealed-secret").textContent())?.trim()).toBe(secret);
    await shot(page, "04-endpoint-detail");

    await page.goto("/settings/api-keys");
    await page.getByLabel("Key name").fill("backend");
    await page.getByRole("button", { name: "Create key" }).click();
    const apiKey = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
    expect(apiKey).toMatch(/^whk_/);
    await shot(page, "05-api-keys");

    const ingest = await fetch(`${app.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ event: "invoice.paid", idempotencyKey: "inv-1001", data: { invoiceId: "inv_1001", amount: 4200 } }),
    });
    expect(ingest.status).toBe(202);

    // The embedded worker delivers it; history shows it as delivered.
    await page.goto("/settings/webhooks/history");
    for (let i = 0; i < 60; i++) {
      if (await page.getByRole("row").filter({ hasText: "invoice.paid" }).filter({ hasText: "delivered" }).count()) break;
      await page.waitForTimeout(500);
      await page.reload();
    }
    const row = page.getByRole("row").filter({ hasText: "invoice.paid" });
    await row.getByText("delivered").waitFor();
    await shot(page, "06-history");
    await row.getByRole("link").first().click();
    await page.waitForURL(/\/history\/msg_/);
    deliveryPath = new URL(page.url()).pathname;
    await page.getByText("inv_1001").first().waitFor();
    await shot(page, "07-delivery-detail");

    await page.getByRole("button", { name: "Redeliver" }).click();
    await page.getByTestId("redeliver-result").getByText(/200/).waitFor();
    const invoiceRequests = receiver.requests.filter((request) => request.body.includes('"inv-1001"'));
    expect(invoiceRequests).toHaveLength(2);
    expect(invoiceRequests[1]!.headers["webhook-id"]).toBe(invoiceRequests[0]!.headers["webhook-id"]);
    expect(deliveryPath).toContain(String(invoiceRequests[0]!.headers["webhook-id"]));

    await page.goto("/settings/members");
    await page.getByLabel("Email").fill("max@acme.example");
    await page.getByLabel("Role").selectOption("member");
    await page.getByRole("button", { name: "Invite" }).click();
    invitationLink = (await page.getByTestId("invitation-link").textContent())?.trim() ?? "";
    expect(invitationLink).toContain("/accept-invitation/");
    await shot(page, "08-members");

    await page.goto("/docs/webhooks");
    await shot(page, "09-docs");

    // The organization's dashboard counts what was just delivered.
    await page.goto("/settings/webhooks?period=1h");
    await page.getByRole("heading", { name: /Delivery health/ }).waitFor();
    await shot(page, "11-dashboard");

    // Ops: wrong token refused, right token lets in, every organization's numbers.
    await page.goto("/ops");
    await page.getByLabel("Metrics token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in to ops" }).click();
    await page.getByRole("alert").first().waitFor();
    await page.getByLabel("Metrics token").fill(METRICS_TOKEN);
    await page.getByRole("button", { name: "Sign in to ops" }).click();
    await page.getByRole("button", { name: "Sign out of ops" }).waitFor();
    await page.getByText("Acme").first().waitFor();
    await shot(page, "12-ops");
    const prometheus = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(prometheus.status).toBe(200);
    expect(await prometheus.text()).toMatch(/webhook_attempts_total\{[^}]*outcome="success"/);
    failurePage = undefined;
    await context.close();
  });

  it("shows a member the history but not the secret or any edit control", async () => {
    const { context, page } = await newPage();
    failurePage = page;
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Max Member");
    await page.getByLabel("Email").fill("max@acme.example");
    await page.getByLabel("Password").fill("correct horse battery staple");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/onboarding");
    await page.goto(new URL(invitationLink).pathname);
    await page.getByRole("button", { name: /Accept/ }).click();
    await page.waitForURL("**/settings/webhooks");
    await expect(page.getByRole("link", { name: "Add endpoint" }).count()).resolves.toBe(0);
    await page.goto(endpointPath);
    await expect(page.getByRole("button", { name: "Reveal" }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Send test event" }).count()).resolves.toBe(0);
    await expect(page.getByText(/whsec_/).count()).resolves.toBe(0);
    await page.goto(deliveryPath);
    await page.getByText("inv_1001").first().waitFor();
    await expect(page.getByRole("button", { name: "Redeliver" }).count()).resolves.toBe(0);
    await shot(page, "10-member-view");
    failurePage = undefined;
    await context.close();
  });

  it("shows a second organization none of the first one's data", async () => {
    const { context, page } = await newPage();
    failurePage = page;
    await signUpAndCreateOrg(page, "Bob Other", "bob@other.example", "Other Inc");
    await page.getByText(/no endpoints/i).first().waitFor();
    await page.goto("/settings/webhooks/history");
    await expect(page.getByText("invoice.paid").count()).resolves.toBe(0);
    const detail = await page.goto(deliveryPath);
    expect(detail?.status()).toBe(404);
    const endpoint = await page.goto(endpointPath);
    expect(endpoint?.status()).toBe(404);
    const api = await page.request.get(`/api/webhooks/deliveries/${path.basename(deliveryPath)}`);
    expect(api.status()).toBe(404);
    failurePage = undefined;
    await context.close();
  });
});
