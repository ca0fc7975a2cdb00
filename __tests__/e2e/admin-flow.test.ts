import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";
import { describeBrowser, launchBrowser, SCREENSHOTS } from "../helpers/browser";

/**
 * The org admin's day, in a real browser against `npm start`: sign up, create an
 * organization, add an endpoint pointing at a local receiver, send a test event,
 * ingest an event with an API key, watch it delivered in history, open it,
 * redeliver — and check roles and tenancy from the outside. Then one user with
 * two organizations open in two tabs of one browser, and where signing in,
 * old /settings links and an ended session lead. Mail goes to the development
 * mailbox (/dev/mail): the invitee verifies through it before accepting, and a
 * forgotten password is reset through it.
 */

jest.setTimeout(300_000);
const METRICS_TOKEN = "e2e-metrics-token-0123456789";
const PASSWORD = "correct horse battery staple";

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
    app = await startApp({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", WEBHOOK_ALLOW_HTTP: "true", METRICS_TOKEN, PLATFORM_ADMIN_EMAILS: "ada@acme.example" } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await receiver?.close();
    await dropDatabase?.();
  });

  /** Anything the Content-Security-Policy refused on any page of any test (scripts, styles, frames). */
  const cspViolations: string[] = [];
  afterAll(() => {
    expect(cspViolations).toEqual([]);
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    // As `localhost`, the host of the app's default APP_URL, so the links in its mails stay on the signed-in origin.
    const context = await browser.newContext({ baseURL: app.url.replace("//127.0.0.1:", "//localhost:"), viewport: { width: 1280, height: 900 } });
    // Every page of the context (a second tab too) reports what the policy refused.
    context.on("page", (opened) =>
      opened.on("console", (message) => {
        if (message.type() === "error" && /Content Security Policy/i.test(message.text())) cspViolations.push(`${opened.url()}: ${message.text()}`);
      }),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return { context, page };
  }

  /** Signs up and creates an organization; returns its pages' root, `/orgs/<slug>/settings`. */
  async function signUpAndCreateOrg(page: Page, name: string, email: string, organization: string): Promise<string> {
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/onboarding");
    return createOrg(page, organization);
  }

  /** Creates an organization from onboarding, which opens it; returns `/orgs/<slug>/settings`. */
  async function createOrg(page: Page, organization: string): Promise<string> {
    await page.getByLabel("Organization name").fill(organization);
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/orgs\/[a-z0-9-]+\/settings\/webhooks$/);
    return new URL(page.url()).pathname.replace(/\/webhooks$/, "");
  }

  async function signIn(page: Page, email: string) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  /** The signed-in user's organizations by slug, from better-auth. */
  async function organizationIds(page: Page): Promise<Record<string, string>> {
    const response = await page.request.get("/api/auth/organization/list");
    expect(response.status()).toBe(200);
    const list = (await response.json()) as { id: string; slug: string }[];
    return Object.fromEntries(list.map((organization) => [organization.slug, organization.id]));
  }

  /** Where the browser is: path and query. */
  const here = (page: Page) => {
    const url = new URL(page.url());
    return `${url.pathname}${url.search}`;
  };

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
  let acmeId = "";

  it("runs the whole admin flow", async () => {
    const { context, page } = await newPage();
    failurePage = page;
    await page.goto("/");
    await shot(page, "01-home");
    const acme = await signUpAndCreateOrg(page, "Ada Admin", "ada@acme.example", "Acme");
    expect(acme).toBe("/orgs/acme/settings");
    acmeId = (await organizationIds(page)).acme!;
    await shot(page, "02-webhooks-empty");

    await page.getByRole("link", { name: "Add endpoint" }).click();
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("Description").fill("Local receiver");
    await shot(page, "03-new-endpoint");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    const secret = (await page.getByTestId("endpoint-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_/);

    await page.goto(`${acme}/webhooks`);
    await page.getByRole("link", { name: /Local receiver|127\.0\.0\.1/ }).first().click();
    await page.waitForURL(/\/orgs\/acme\/settings\/webhooks\/ep_/);
    endpointPath = new URL(page.url()).pathname;
    // The picker opens on webhook.test, the default type.
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByRole("button", { name: "Send webhook.test" }).click();
    await page.getByTestId("test-result").getByText(/200/).waitFor();
    expect(receiver.requests.at(-1)?.body).toContain('"event":"webhook.test"');
    await page.getByRole("navigation", { name: "Endpoint sections" }).getByRole("link", { name: "Signing secret" }).click();
    await page.getByRole("button", { name: "Reveal" }).click();
    expect((await page.getByTestId("revealed-secret").textContent())?.trim()).toBe(secret);
    await shot(page, "04-endpoint-detail");

    await page.goto(`${acme}/api-keys`);
    await page.getByLabel("Key name").fill("backend");
    await page.getByRole("button", { name: "Create key" }).click();
    const apiKey = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
    expect(apiKey).toMatch(/^whk_/);
    await shot(page, "05-api-keys");

    const ingest = await fetch(`${app.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ event: "invoice.paid", idempotencyKey: "inv-1001", data: { invoiceId: "inv_1001", amount: 4200, currency: "usd" } }),
    });
    expect(ingest.status).toBe(202);

    // The embedded worker delivers it; history shows it as delivered.
    await page.goto(`${acme}/webhooks/history`);
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

    await page.goto(`${acme}/members`);
    await page.getByLabel("Email").fill("max@acme.example");
    await page.getByLabel("Role").selectOption("member");
    await page.getByRole("button", { name: "Invite" }).click();
    invitationLink = (await page.getByTestId("invitation-link").textContent())?.trim() ?? "";
    expect(invitationLink).toContain("/accept-invitation/");
    await shot(page, "08-members");

    await page.goto("/docs/webhooks");
    await shot(page, "09-docs");

    // The organization's dashboard counts what was just delivered.
    await page.goto(`${acme}/webhooks?period=1h`);
    await page.getByRole("heading", { name: /Delivery health/ }).waitFor();
    await shot(page, "11-dashboard");

    // Ops: Ada is a platform admin (PLATFORM_ADMIN_EMAILS), so her own session opens every organization's numbers.
    await page.goto("/ops");
    await page.getByRole("heading", { name: "Operations" }).first().waitFor();
    await page.getByText("Acme").first().waitFor();
    expect(await page.context().cookies()).not.toContainEqual(expect.objectContaining({ name: "ops_token" }));
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
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/onboarding");
    // Unverified: onboarding offers no invitation, and the invitation's page asks for verification first.
    await page.getByText("Verify your email address").first().waitFor();
    await expect(page.getByRole("button", { name: /Accept/ }).count()).resolves.toBe(0);
    // The development mailbox (no SMTP_URL) holds the invitation Ada's invite mailed; its link is clickable.
    await page.goto("/dev/mail");
    const invitationMail = page.getByRole("article").filter({ hasText: "Ada Admin invited you to Acme" });
    await invitationMail.getByRole("link", { name: new URL(invitationLink).pathname }).first().click();
    await page.waitForURL(`**${new URL(invitationLink).pathname}`);
    await page.getByRole("heading", { name: "Verify your email first" }).waitFor();
    await expect(page.getByRole("button", { name: /Accept/ }).count()).resolves.toBe(0);
    await shot(page, "10a-verify-first");
    // The verification link from sign-up verifies the address and comes back to onboarding, which now offers the invitation.
    await page.goto("/dev/mail");
    const verificationMail = page.getByRole("article").filter({ hasText: "Verify your email address for Webhooks" }).filter({ hasText: "max@acme.example" });
    await verificationMail.getByRole("link", { name: /\/api\/auth\/verify-email\?/ }).first().click();
    await page.waitForURL("**/onboarding");
    await page.getByRole("button", { name: /Accept/ }).click();
    await page.waitForURL("**/orgs/acme/settings/webhooks");
    await expect(page.getByRole("link", { name: "Add endpoint" }).count()).resolves.toBe(0);
    await page.goto(endpointPath);
    await expect(page.getByRole("button", { name: "Reveal" }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Send test event" }).count()).resolves.toBe(0);
    await expect(page.getByText(/whsec_/).count()).resolves.toBe(0);
    await page.goto(deliveryPath);
    await page.getByText("inv_1001").first().waitFor();
    await expect(page.getByRole("button", { name: "Redeliver" }).count()).resolves.toBe(0);
    await shot(page, "10-member-view");
    // Not a platform admin: /ops is closed to a signed-in member.
    await page.goto("/ops");
    await page.getByText("Only platform admins can open this page").waitFor();
    await expect(page.getByText("Acme").count()).resolves.toBe(0);
    failurePage = undefined;
    await context.close();
  });

  it("shows a second organization none of the first one's data", async () => {
    const { context, page } = await newPage();
    failurePage = page;
    const other = await signUpAndCreateOrg(page, "Bob Other", "bob@other.example", "Other Inc");
    await page.getByText(/no endpoints/i).first().waitFor();
    await page.goto(`${other}/webhooks/history`);
    await expect(page.getByText("invoice.paid").count()).resolves.toBe(0);
    // Acme's pages, by URL: not found, exactly like an organization that does not exist.
    const detail = await page.goto(deliveryPath);
    expect(detail?.status()).toBe(404);
    const endpoint = await page.goto(endpointPath);
    expect(endpoint?.status()).toBe(404);
    expect((await page.goto("/orgs/no-such-org/settings/webhooks"))?.status()).toBe(404);
    const otherId = (await organizationIds(page))["other-inc"]!;
    const deliveryApi = `/api/webhooks/deliveries/${path.basename(deliveryPath)}`;
    expect((await page.request.get(deliveryApi, { headers: { "X-Organization-Id": otherId } })).status()).toBe(404);
    const asAcme = await page.request.get(deliveryApi, { headers: { "X-Organization-Id": acmeId } });
    expect(asAcme.status()).toBe(404);
    expect((await asAcme.json()).error).toBe("organization_not_found");
    expect((await page.request.get(deliveryApi)).status()).toBe(400);
    failurePage = undefined;
    await context.close();
  });
  let tabsNorth = "";
  let tabsSouth = "";

  it("keeps each tab of one browser in the organization it shows", async () => {
    const { context, page: tab1 } = await newPage();
    failurePage = tab1;
    tabsNorth = await signUpAndCreateOrg(tab1, "Tess Tabs", "tess@tabs.example", "Tabs North");
    await tab1.goto("/onboarding");
    tabsSouth = await createOrg(tab1, "Tabs South");
    expect([tabsNorth, tabsSouth]).toEqual(["/orgs/tabs-north/settings", "/orgs/tabs-south/settings"]);

    // Tab 1 opens North's form; then tab 2, same cookies, opens South; then tab 1 submits.
    await tab1.goto(`${tabsNorth}/webhooks/new`);
    const tab2 = await context.newPage();
    tab2.setDefaultTimeout(30_000);
    await tab2.goto(`${tabsSouth}/webhooks/new`);
    const create = async (page: Page, description: string) => {
      await page.getByLabel("Endpoint URL").fill(receiver.url);
      await page.getByLabel("Description").fill(description);
      await page.getByRole("button", { name: "Create endpoint" }).click();
      await page.getByTestId("endpoint-secret").waitFor();
    };
    await create(tab1, "from tab 1");
    await create(tab2, "from tab 2");

    await tab1.goto(`${tabsNorth}/webhooks`);
    await tab1.getByText("from tab 1").waitFor();
    await expect(tab1.getByText("from tab 2").count()).resolves.toBe(0);
    await tab2.goto(`${tabsSouth}/webhooks`);
    await tab2.getByText("from tab 2").waitFor();
    await expect(tab2.getByText("from tab 1").count()).resolves.toBe(0);
    const ids = await organizationIds(tab1);
    for (const [slug, description] of [["tabs-north", "from tab 1"], ["tabs-south", "from tab 2"]] as const) {
      const response = await tab1.request.get("/api/webhooks/endpoints", { headers: { "X-Organization-Id": ids[slug]! } });
      expect(((await response.json()) as { endpoints: { description: string }[] }).endpoints.map((e) => e.description)).toEqual([description]);
    }

    // The switcher goes to the same page of the other organization.
    await tab2.goto(`${tabsSouth}/members`);
    await tab2.getByRole("button", { name: "Switch organization" }).click();
    await tab2.getByRole("link", { name: "Tabs North" }).click();
    await tab2.waitForURL(`**${tabsNorth}/members`);
    // South is the organization used last.
    await tab2.goto(`${tabsSouth}/webhooks`);
    await tab2.getByText("from tab 2").waitFor();
    failurePage = undefined;
    await context.close();
  });

  it("signs in to the organization used last, follows old links there, and comes back after a session ends", async () => {
    const { context, page } = await newPage();
    failurePage = page;
    await page.goto("/sign-in");
    await signIn(page, "tess@tabs.example");
    await page.waitForURL(`**${tabsSouth}/webhooks`);
    expect(here(page)).toBe(`${tabsSouth}/webhooks`);

    await page.goto("/settings/webhooks/history?status=delivered");
    expect(here(page)).toBe(`${tabsSouth}/webhooks/history?status=delivered`);

    // The session is gone (cookies cleared): the page sends you to sign in, and back to it after.
    const wanted = `${tabsNorth}/webhooks/history?status=failed`;
    await context.clearCookies();
    await page.goto(wanted);
    await page.waitForURL("**/sign-in?**");
    expect(new URL(page.url()).searchParams.get("next")).toBe(wanted);
    await signIn(page, "tess@tabs.example");
    await page.waitForURL(`**${wanted}`);
    expect(here(page)).toBe(wanted);

    // An API call that finds the session gone does the same from the browser.
    await page.goto(`${tabsNorth}/webhooks/new`);
    await context.clearCookies();
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.waitForURL("**/sign-in?**");
    expect(new URL(page.url()).searchParams.get("next")).toBe(`${tabsNorth}/webhooks/new`);
    failurePage = undefined;
    await context.close();
  });

  it("resets a forgotten password through the mailed link", async () => {
    const { context, page } = await newPage();
    failurePage = page;
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.waitForURL("**/forgot-password");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill("tess@tabs.example");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByText("Check your email").waitFor();

    // The mailbox page is for signed-in users: Bob reads it (a local development tool).
    await page.goto("/sign-in");
    await signIn(page, "bob@other.example");
    await page.waitForURL("**/orgs/**");
    await page.goto("/dev/mail");
    const resetMail = page.getByRole("article").filter({ hasText: "Reset your Webhooks password" }).filter({ hasText: "tess@tabs.example" });
    await context.clearCookies();
    await resetMail.getByRole("link", { name: /\/reset-password\?token=/ }).first().click();
    await page.waitForURL("**/reset-password?token=*");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("New password").fill("tess has a new password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByText("Your password is changed").waitFor();
    await page.goto("/sign-in");
    await signIn(page, "tess@tabs.example");
    await page.getByText("don't match an account").waitFor();
    await page.getByLabel("Password").fill("tess has a new password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/orgs\/tabs-(north|south)\/settings\/webhooks$/);
    failurePage = undefined;
    await context.close();
  });
});
