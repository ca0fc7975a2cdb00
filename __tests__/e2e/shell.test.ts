import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";
import { describeBrowser, launchBrowser, SCREENSHOTS } from "../helpers/browser";

/**
 * The app's shell in a real browser against `npm start`: 404 pages inside the header (with
 * "switch organization?" for an id of another organization of the viewer's, and nothing at all
 * for an organization they are not in), the docs with the header, a table of contents and copy
 * buttons, the landing page's links, the sole owner's disabled "Leave", and the confirmation
 * after deleting an endpoint.
 */

jest.setTimeout(300_000);
const PASSWORD = "correct horse battery staple";
// Endpoints point at the discard port on loopback: nothing here sends an event, and a stray attempt stays on this machine.
const RECEIVER = "http://127.0.0.1:9";

describeBrowser("the app shell in a browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let dropDatabase: (() => Promise<void>) | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    let databaseUrl: string | undefined;
    if (adminDatabaseUrl()) {
      const scratch = await createScratchPostgres();
      databaseUrl = scratch.url;
      dropDatabase = scratch.drop;
    }
    // Loopback endpoint URLs are private and plain http, which a production build refuses unless allowed.
    app = await startApp({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", WEBHOOK_ALLOW_HTTP: "true" }, timeoutMs: 900_000 });
    browser = await launchBrowser();
  }, 960_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await app?.stop();
    await dropDatabase?.();
  });

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ baseURL: app.url.replace("//127.0.0.1:", "//localhost:"), viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `shell-${name}.png`), fullPage: true });

  let failurePage: Page | undefined;
  afterEach(async () => {
    if (failurePage && !failurePage.isClosed()) await shot(failurePage, `last-${expect.getState().currentTestName?.replace(/\W+/g, "-")}`).catch(() => {});
    failurePage = undefined;
  });

  /** Signs up and creates an organization from onboarding; returns its slug. */
  async function signUpAndCreateOrg(page: Page, name: string, email: string, organization: string): Promise<string> {
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/onboarding");
    return createOrg(page, organization);
  }

  async function createOrg(page: Page, organization: string): Promise<string> {
    await page.getByLabel("Organization name").fill(organization);
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/orgs\/[a-z0-9-]+\/settings\/webhooks$/);
    return new URL(page.url()).pathname.split("/")[2]!;
  }

  /** Adds an endpoint in organization `slug` through the form; returns its page's path. */
  async function addEndpoint(page: Page, slug: string, description: string): Promise<string> {
    await page.goto(`/orgs/${slug}/settings/webhooks/new`);
    await page.getByLabel("Endpoint URL").fill(`${RECEIVER}/${slug}`);
    await page.getByLabel("Description").fill(description);
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.getByTestId("endpoint-secret").waitFor();
    await page.goto(`/orgs/${slug}/settings/webhooks`);
    // Each organization here has one endpoint: its card's link leads to its page.
    await page.locator('main a[href*="/settings/webhooks/ep_"]').first().click();
    await page.waitForURL(/\/settings\/webhooks\/ep_/);
    return new URL(page.url()).pathname;
  }

  const banner = (page: Page) => page.getByRole("banner");
  const main = (page: Page) => page.locator("#main");

  let ada: Page;
  let one = "";
  let two = "";
  let twoEndpoint = "";
  let strangerEndpoint = "";

  it("shows a signed-out visitor Sign in and Sign up on the landing page", async () => {
    const page = await newPage();
    failurePage = page;
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(banner(page).getByRole("link", { name: "Sign in" }).isVisible()).resolves.toBe(true);
    await expect(banner(page).getByRole("link", { name: "Sign up" }).isVisible()).resolves.toBe(true);
    await shot(page, "01-landing");
    await banner(page).getByRole("link", { name: "Sign up" }).click();
    await page.waitForURL("**/sign-up");
    await page.goto("/");
    await main(page).getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL("**/sign-in");
    failurePage = undefined;
  });

  it("answers an unknown address with a 404 inside the header", async () => {
    const page = await newPage();
    failurePage = page;
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await expect(banner(page).getByRole("link", { name: "Sign in" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "Go to the home page" }).getAttribute("href")).resolves.toBe("/");
    await shot(page, "02-not-found-signed-out");
    failurePage = undefined;
  });

  it("sets up a user with two organizations, and a stranger with one", async () => {
    const stranger = await newPage();
    failurePage = stranger;
    const strangerSlug = await signUpAndCreateOrg(stranger, "Sam Stranger", "sam@stranger.example", "Shell Stranger");
    strangerEndpoint = await addEndpoint(stranger, strangerSlug, "Stranger receiver");

    ada = await newPage();
    failurePage = ada;
    one = await signUpAndCreateOrg(ada, "Ada Shell", "ada@shell.example", "Shell One");
    await addEndpoint(ada, one, "First receiver");
    await ada.goto("/onboarding");
    two = await createOrg(ada, "Shell Two");
    twoEndpoint = await addEndpoint(ada, two, "Second receiver");
    expect(twoEndpoint).toMatch(new RegExp(`^/orgs/${two}/settings/webhooks/ep_`));
    failurePage = undefined;
  });

  it("sends a signed-in visitor of the landing page to their organization, and keeps 404s in their header", async () => {
    failurePage = ada;
    await ada.goto("/");
    await ada.waitForURL(new RegExp(`/orgs/${two}/settings/webhooks$`));
    const response = await ada.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await ada.getByRole("heading", { name: "Page not found" }).waitFor();
    await expect(banner(ada).getByText("ada@shell.example").isVisible()).resolves.toBe(true);
    await expect(banner(ada).getByRole("link", { name: "Sign in" }).count()).resolves.toBe(0);
    failurePage = undefined;
  });

  it("offers to switch organization for an endpoint of another organization of mine", async () => {
    failurePage = ada;
    const inOne = twoEndpoint.replace(`/orgs/${two}/`, `/orgs/${one}/`);
    const response = await ada.goto(inOne);
    expect(response?.status()).toBe(404);
    await ada.getByRole("heading", { name: "Page not found" }).waitFor();
    // Inside organization one's header.
    await expect(banner(ada).getByRole("button", { name: "Switch organization" }).innerText()).resolves.toContain("Shell One");
    await ada.getByText("Switch organization?").waitFor();
    await expect(main(ada).getByText(/belongs to Shell Two/).isVisible()).resolves.toBe(true);
    await shot(ada, "03-switch-organization");
    await ada.getByRole("link", { name: "Open it in Shell Two" }).click();
    await ada.waitForURL((url) => url.pathname === twoEndpoint);
    // The endpoint's own page, with the owner's sections.
    await ada.getByRole("link", { name: "Danger zone" }).waitFor();
    failurePage = undefined;
  });

  it("answers an endpoint of an organization I am not in exactly like one that does not exist", async () => {
    failurePage = ada;
    const strangerId = path.basename(strangerEndpoint);
    const foreign = await ada.goto(`/orgs/${one}/settings/webhooks/${strangerId}`);
    expect(foreign?.status()).toBe(404);
    await ada.getByRole("heading", { name: "Page not found" }).waitFor();
    const foreignText = await main(ada).innerText();
    await shot(ada, "04-stranger-endpoint");

    const missingId = `ep_${"0".repeat(strangerId.length - 3)}`;
    const missing = await ada.goto(`/orgs/${one}/settings/webhooks/${missingId}`);
    expect(missing?.status()).toBe(404);
    await ada.getByRole("heading", { name: "Page not found" }).waitFor();
    const missingText = await main(ada).innerText();

    expect(foreignText).toBe(missingText);
    expect(foreignText).not.toContain("Switch organization");
    expect(foreignText).not.toContain("Stranger");
    await expect(ada.getByRole("link", { name: /Open it in/ }).count()).resolves.toBe(0);
    await expect(ada.locator('a[href*="shell-stranger"]').count()).resolves.toBe(0);

    // A delivery id that is not this organization's: a real 404 too, inside the header.
    const delivery = await ada.goto(`/orgs/${one}/settings/webhooks/history/msg_${"0".repeat(26)}`);
    expect(delivery?.status()).toBe(404);
    await ada.getByRole("heading", { name: "Page not found" }).waitFor();
    await expect(banner(ada).getByRole("button", { name: "Switch organization" }).innerText()).resolves.toContain("Shell One");
    failurePage = undefined;
  });

  it("shows the docs with the app's header, a table of contents and a copy button on every code block", async () => {
    failurePage = ada;
    await ada.goto("/docs/webhooks");
    await expect(banner(ada).getByText("ada@shell.example").isVisible()).resolves.toBe(true);
    const toc = ada.getByRole("navigation", { name: "On this page" });
    await expect(toc.isVisible()).resolves.toBe(true);
    await toc.getByRole("link", { name: /Verifying signatures/ }).click();
    await ada.waitForURL(/#verifying-signatures$/);
    // Sticky beside the content: still on screen after scrolling to a later section.
    const box = await toc.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(900);
    expect(await ada.evaluate(() => window.scrollY)).toBeGreaterThan(900);
    // Code blocks folded away (each event type's schema) count too: open them first.
    await ada.locator("main details").evaluateAll((folds) => folds.forEach((fold) => ((fold as HTMLDetailsElement).open = true)));
    const blocks = await ada.locator("figure pre").count();
    expect(blocks).toBeGreaterThan(3);
    await expect(ada.locator("figure").getByRole("button", { name: /^Copy / }).count()).resolves.toBe(blocks);
    await shot(ada, "05-docs-signed-in");

    const visitor = await newPage({ width: 390, height: 844 });
    failurePage = visitor;
    await visitor.goto("/docs/webhooks");
    await expect(banner(visitor).getByRole("link", { name: "Sign in" }).isVisible()).resolves.toBe(true);
    // Narrow: the contents are a list at the top that opens on demand.
    const summary = visitor.locator("summary", { hasText: "On this page" });
    await expect(visitor.getByRole("navigation", { name: "On this page" }).getByRole("link", { name: /Retries and failures/ }).isVisible()).resolves.toBe(false);
    await summary.click();
    const narrowLink = visitor.getByRole("navigation", { name: "On this page" }).getByRole("link", { name: /Retries and failures/ });
    await expect(narrowLink.isVisible()).resolves.toBe(true);
    await narrowLink.click();
    await visitor.waitForURL(/#retries$/);
    await shot(visitor, "06-docs-narrow");
    failurePage = undefined;
  });

  it("disables Leave and role changes for the only owner, with the reason", async () => {
    failurePage = ada;
    await ada.goto(`/orgs/${one}/settings/members`);
    const leave = ada.getByRole("button", { name: "Leave Shell One" });
    await leave.waitFor();
    await expect(leave.isDisabled()).resolves.toBe(true);
    await expect(ada.getByRole("combobox", { name: /Access level for Ada Shell/ }).isDisabled()).resolves.toBe(true);
    await expect(ada.getByText("You are the only owner. Make another member an owner first.").isVisible()).resolves.toBe(true);
    await shot(ada, "07-sole-owner");
    failurePage = undefined;
  });

  it("says which endpoint was deleted on the list it lands on", async () => {
    failurePage = ada;
    await ada.goto(`${twoEndpoint}/danger`);
    await ada.getByRole("button", { name: "Delete endpoint" }).click();
    await ada.getByRole("dialog").getByRole("button", { name: "Delete endpoint" }).click();
    await ada.waitForURL(new RegExp(`/orgs/${two}/settings/webhooks$`));
    const notice = ada.getByRole("status").getByText(/^Endpoint 127\.0\.0\.1.* deleted\.$/);
    await notice.waitFor();
    await shot(ada, "08-endpoint-deleted");
    // Said once: a reload does not repeat it.
    await ada.reload();
    await ada.getByRole("heading", { level: 1 }).first().waitFor();
    await expect(ada.getByText(/^Endpoint 127\.0\.0\.1.* deleted\.$/).count()).resolves.toBe(0);
    failurePage = undefined;
  });
});
