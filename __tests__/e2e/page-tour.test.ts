import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";
import { eventually } from "../helpers/eventually";
import { respondWith, startReceiver, type Receiver } from "../helpers/receiver";
import { describeBrowser, launchBrowser, SCREENSHOTS } from "../helpers/browser";

/**
 * Every page of the app, on a phone (390×844) and on a desktop (1280×800), for an organization
 * with real data in it: two endpoints on one host (one of them failing), a test event, an API
 * key, an ingested event in the history, a pending invitation. On each page, nothing may be wider than the viewport (no
 * sideways scrolling of the page itself), and axe-core may find no serious or critical
 * accessibility violation. Every failure of every page is collected and reported at the end, in
 * one assertion; a screenshot of each page at each size is kept in e2e-artifacts/.
 */

jest.setTimeout(900_000);
const PASSWORD = "correct horse battery staple";
const OWNER_EMAIL = "ada@acme.example";
/** axe-core's script, evaluated in the page: the Content-Security-Policy refuses injected script tags. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package's documented way to get its source text
const AXE_SOURCE: string = require("axe-core").source;

const SIZES = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 800 },
] as const;

/** What the tour learns while it sets the organization up, for the paths below. */
interface Places {
  org: string;
  endpoint: string;
  /** An endpoint that signs with Ed25519. */
  ed25519Endpoint: string;
  delivery: string;
  inbox: string;
}

/** Who looks at a page: nobody signed in, the organization's owner (a platform admin too), or the demo organization's admin. */
type Viewer = "visitor" | "owner" | "demo";

interface Stop {
  name: string;
  as: Viewer;
  path: (places: Places) => string;
  /** The page's HTTP status; 200 unless said. */
  status?: number;
}

/** The tour: one line per page. */
const STOPS: Stop[] = [
  { name: "landing", as: "visitor", path: () => "/" },
  { name: "sign-in", as: "visitor", path: () => "/sign-in" },
  { name: "sign-up", as: "visitor", path: () => "/sign-up" },
  { name: "forgot-password", as: "visitor", path: () => "/forgot-password" },
  { name: "reset-password", as: "visitor", path: () => "/reset-password?token=not-a-real-token" },
  { name: "onboarding", as: "owner", path: () => "/onboarding" },
  { name: "account-security", as: "owner", path: () => "/account/security" },
  { name: "endpoints", as: "owner", path: ({ org }) => `${org}/webhooks` },
  { name: "new-endpoint", as: "owner", path: ({ org }) => `${org}/webhooks/new` },
  { name: "delivery-health", as: "owner", path: ({ org }) => `${org}/webhooks/health` },
  { name: "endpoint-detail", as: "owner", path: ({ endpoint }) => endpoint },
  { name: "endpoint-deliveries", as: "owner", path: ({ endpoint }) => `${endpoint}/deliveries` },
  { name: "endpoint-settings", as: "owner", path: ({ endpoint }) => `${endpoint}/settings` },
  { name: "endpoint-secret", as: "owner", path: ({ endpoint }) => `${endpoint}/secret` },
  { name: "endpoint-signing-key", as: "owner", path: ({ ed25519Endpoint }) => `${ed25519Endpoint}/secret` },
  { name: "endpoint-danger-zone", as: "owner", path: ({ endpoint }) => `${endpoint}/danger` },
  { name: "delivery-history", as: "owner", path: ({ org }) => `${org}/webhooks/history` },
  { name: "delivery-detail", as: "owner", path: ({ delivery }) => delivery },
  { name: "members", as: "owner", path: ({ org }) => `${org}/members` },
  { name: "api-keys", as: "owner", path: ({ org }) => `${org}/api-keys` },
  { name: "audit-log", as: "owner", path: ({ org }) => `${org}/audit-log` },
  { name: "docs", as: "visitor", path: () => "/docs/webhooks" },
  { name: "ops", as: "owner", path: () => "/ops" },
  { name: "dev-mail", as: "owner", path: () => "/dev/mail" },
  { name: "dev-inbox", as: "demo", path: ({ inbox }) => inbox },
  { name: "not-found", as: "visitor", path: () => "/no-such-page", status: 404 },
];

/** An element that sticks out past the right edge of the viewport, as a failure message shows it. */
interface Offender {
  element: string;
  right: number;
}

/**
 * Runs in the page: null when the page is no wider than the viewport, otherwise its width and the
 * innermost elements past the right edge (widest first) that are not clipped by a scrolling or
 * clipping box of their own. Plain ES2015, no helpers: the function's text is sent to the browser.
 */
function measureOverflow(): { scrollWidth: number; innerWidth: number; offenders: Offender[] } | null {
  const innerWidth = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= innerWidth) return null;
  const sticksOut = (element: Element) => element.getBoundingClientRect().right > innerWidth + 0.5;
  const clippedInside = (element: Element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflowX = getComputedStyle(box).overflowX;
      if (overflowX !== "visible" && !sticksOut(box)) return true;
    }
    return false;
  };
  const name = (element: Element) => {
    const id = element.id ? `#${element.id}` : "";
    const classes = typeof element.className === "string" && element.className ? `.${element.className.trim().split(/\s+/).join(".")}` : "";
    const text = (element.textContent || "").replace(/\s+/g, " ").trim().slice(0, 60);
    return `<${element.tagName.toLowerCase()}${id}${classes.slice(0, 160)}> "${text}"`;
  };
  const offenders = Array.from(document.body.querySelectorAll("*"))
    .filter((element) => sticksOut(element) && !Array.from(element.children).some(sticksOut) && !clippedInside(element))
    .map((element) => ({ element: name(element), right: Math.round(element.getBoundingClientRect().right) }))
    .sort((a, b) => b.right - a.right)
    .slice(0, 5);
  return { scrollWidth, innerWidth, offenders };
}

interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Runs in the page once axe is there: its serious and critical violations. */
function runAxe(): Promise<Violation[]> {
  const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
  // The mailbox's HTML previews are sandboxed frames without scripts: axe cannot run inside them.
  return axe.run(document, { resultTypes: ["violations"], iframes: false }).then((results) =>
    results.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => ({
        id: violation.id,
        impact: String(violation.impact),
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.map(String).join(" ")),
      })),
  );
}

describeBrowser("every page on a phone and on a desktop", () => {
  let app: RunningApp;
  let browser: Browser;
  let receiver: Receiver;
  let dropDatabase: (() => Promise<void>) | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The billing endpoint's receiver is down, so the dashboard and history have a failing endpoint to show.
    const accept = respondWith(200, { "content-type": "text/plain" }, "received, thanks");
    const unavailable = respondWith(503, { "content-type": "text/plain" }, "billing sync is down for maintenance");
    receiver = await startReceiver((request, index, res) => (request.path.startsWith("/webhooks/billing") ? unavailable : accept)(request, index, res));
    let databaseUrl: string | undefined;
    if (adminDatabaseUrl()) {
      const scratch = await createScratchPostgres();
      databaseUrl = scratch.url;
      dropDatabase = scratch.drop;
    }
    // The receiver is plain http on loopback, which a production build refuses; this instance allows both.
    app = await startApp({
      databaseUrl,
      timeoutMs: 600_000,
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORK: "true", WEBHOOK_ALLOW_HTTP: "true", PLATFORM_ADMIN_EMAILS: OWNER_EMAIL },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await app?.stop();
    await receiver?.close();
    await dropDatabase?.();
  });

  async function newPage(): Promise<Page> {
    // As `localhost`, the host of the app's default APP_URL, as the other browser tests do.
    const context = await browser.newContext({ baseURL: app.url.replace("//127.0.0.1:", "//localhost:"), viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  }

  /** Ada signs up, creates Acme Logistics and fills it with what each page lists. */
  async function setUpOrganization(page: Page): Promise<Omit<Places, "inbox">> {
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Ada Lovelace-Byron");
    await page.getByLabel("Email").fill(OWNER_EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/onboarding");
    await page.getByLabel("Organization name").fill("Acme Logistics International");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/orgs\/[a-z0-9-]+\/settings\/webhooks$/);
    const org = new URL(page.url()).pathname.replace(/\/webhooks$/, "");

    // Two endpoints on one host, told apart by their paths and descriptions; the second signs with Ed25519.
    const receiverOrigin = new URL(receiver.url).origin;
    const endpoints = [
      { url: `${receiverOrigin}/webhooks/fulfilment/orders-and-shipments?source=acme-logistics-platform`, description: "Order and shipment events for the fulfilment service in the Frankfurt warehouse", ed25519: false },
      { url: `${receiverOrigin}/webhooks/billing/invoices`, description: "Invoices for the billing sync", ed25519: true },
    ];
    let ed25519Endpoint = "";
    for (const endpoint of endpoints) {
      await page.goto(`${org}/webhooks/new`);
      await page.waitForLoadState("networkidle");
      await page.getByLabel("Endpoint URL").fill(endpoint.url);
      await page.getByLabel("Description").fill(endpoint.description);
      if (endpoint.ed25519) await page.getByRole("radio", { name: /Ed25519/ }).check();
      await page.getByRole("button", { name: "Create endpoint" }).click();
      await page.getByTestId(endpoint.ed25519 ? "endpoint-public-key" : "endpoint-secret").waitFor();
      if (endpoint.ed25519) {
        await page.getByRole("link", { name: "Open endpoint" }).click();
        await page.waitForURL(/\/webhooks\/ep_/);
        ed25519Endpoint = new URL(page.url()).pathname;
      }
    }
    await page.goto(`${org}/webhooks`);
    // Each row shows its endpoint's full URL; pick the fulfilment one by its description.
    await page.getByRole("row").filter({ hasText: "Order and shipment events" }).getByRole("link").first().click();
    await page.waitForURL(/\/webhooks\/ep_/);
    const endpoint = new URL(page.url()).pathname;
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByRole("button", { name: "Send webhook.test" }).click();
    await page.getByTestId("test-result").getByText(/200/).waitFor();

    await page.goto(`${org}/api-keys`);
    await page.getByLabel("Key name").fill("fulfilment backend (production)");
    await page.getByRole("button", { name: "Create key" }).click();
    const apiKey = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
    expect(apiKey).toMatch(/^whk_/);

    const ingest = await fetch(`${app.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        event: "invoice.paid",
        idempotencyKey: "inv-2026-000417",
        data: { invoiceId: "inv_2026_000417", customer: "cus_0123456789abcdefghijklmnopqrstuv", amount: 129900, currency: "EUR", lines: [{ sku: "PALLET-EU-1200x800", quantity: 12 }] },
      }),
    });
    expect(ingest.status).toBe(202);
    const sent = (where: string) => receiver.requests.some((request) => request.path.startsWith(where) && request.body.includes("inv-2026-000417"));
    await eventually(() => sent("/webhooks/fulfilment") && sent("/webhooks/billing"), 60_000, "the ingested event sent to both endpoints", 200);

    // History lists it once the worker has recorded the attempt.
    await page.goto(`${org}/webhooks/history`);
    const row = page.getByRole("row").filter({ hasText: "invoice.paid" }).filter({ hasText: "delivered" });
    await eventually(
      async () => {
        if ((await row.count()) > 0) return true;
        await page.reload();
        return false;
      },
      60_000,
      "the delivery in history",
      500,
    );
    await row.first().getByRole("link").first().click();
    await page.waitForURL(/\/history\/msg_/);
    const delivery = new URL(page.url()).pathname;

    await page.goto(`${org}/members`);
    await page.getByLabel("Email").fill("grace.hopper-from-the-operations-team@acme-logistics.example");
    await page.getByLabel("Role").selectOption("admin");
    await page.getByRole("button", { name: "Invite" }).click();
    await page.getByTestId("invitation-link").waitFor();
    return { org, endpoint, ed25519Endpoint, delivery };
  }

  /** Signs in as the demo organization's admin, whose credentials and inspector the start banner prints. */
  async function signInToDemo(page: Page): Promise<string> {
    const banner = app.output();
    const credentials = /Sign in at \S+ as (\S+) with password (\S+) \(organization/.exec(banner);
    const inspector = /Inspector:\s+\S*?(\/dev\/inbox\/[^\s)]+)/.exec(banner);
    if (!credentials || !inspector) throw new Error(`the start banner names no demo account or inspector:\n${banner.slice(-2000)}`);
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(credentials[1]!);
    await page.getByLabel("Password").fill(credentials[2]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/orgs/**");
    return inspector[1]!;
  }

  /** What is wrong with the page the browser shows now, at its current size; empty when nothing is. */
  async function inspect(page: Page): Promise<string[]> {
    const problems: string[] = [];
    const overflow = await page.evaluate(measureOverflow);
    if (overflow) {
      const offenders = overflow.offenders.map((offender) => `      right edge ${offender.right}px: ${offender.element}`).join("\n");
      problems.push(`    page is ${overflow.scrollWidth}px wide in a ${overflow.innerWidth}px viewport; widest elements:\n${offenders}`);
    }
    await page.evaluate(AXE_SOURCE);
    for (const violation of await page.evaluate(runAxe)) {
      problems.push(`    axe ${violation.id} (${violation.impact}): ${violation.help}\n${violation.targets.map((target) => `      ${target}`).join("\n")}`);
    }
    return problems;
  }

  it("shows every page without sideways scrolling or serious accessibility violations", async () => {
    const owner = await newPage();
    const visitor = await newPage();
    const demo = await newPage();
    const places: Places = { ...(await setUpOrganization(owner)), inbox: await signInToDemo(demo) };
    const pages: Record<Viewer, Page> = { visitor, owner, demo };

    const failures: string[] = [];
    for (const stop of STOPS) {
      const page = pages[stop.as];
      const wanted = stop.path(places);
      for (const size of SIZES) {
        const where = `${stop.name} at ${size.width}×${size.height} (${wanted})`;
        try {
          await page.setViewportSize({ width: size.width, height: size.height });
          const response = await page.goto(wanted, { waitUntil: "networkidle" });
          const problems: string[] = [];
          const status = response?.status();
          if (status !== (stop.status ?? 200)) problems.push(`    answered ${status}, expected ${stop.status ?? 200}`);
          const shown = new URL(page.url());
          if (`${shown.pathname}${shown.search}` !== wanted) problems.push(`    ended at ${shown.pathname}${shown.search}`);
          await page.screenshot({ path: path.join(SCREENSHOTS, `tour-${stop.name}-${size.name}.png`), fullPage: true });
          problems.push(...(await inspect(page)));
          if (problems.length > 0) failures.push(`${where}:\n${problems.join("\n")}`);
        } catch (error) {
          failures.push(`${where}: could not be checked: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
