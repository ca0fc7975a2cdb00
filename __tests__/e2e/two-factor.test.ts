import { Secret, TOTP } from "otpauth";
import { type Browser, type Page } from "playwright-core";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";
import { describeBrowser, launchBrowser } from "../helpers/browser";

/**
 * Two-factor in a real browser against `npm start`: turn it on from the
 * account security page (the secret read off the page, codes made as an
 * authenticator app makes them), sign out, sign in again with the password
 * and then a code, landing on the page asked for; the sessions list marks this
 * browser and "Sign out everywhere else" ends the other one.
 */

jest.setTimeout(300_000);
const PASSWORD = "correct horse battery staple";

describeBrowser("two-factor in a browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (adminDatabaseUrl()) {
      const scratch = await createScratchPostgres();
      databaseUrl = scratch.url;
      dropDatabase = scratch.drop;
    }
    app = await startApp({ databaseUrl });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await dropDatabase?.();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: app.url, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  }

  async function signInWithPassword(page: Page, email: string) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  it("turns two-factor on, then signs in with the password and a code", async () => {
    const email = "ada@two-factor.example";
    const page = await newPage();
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Ada");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/onboarding");
    await page.getByLabel("Organization name").fill("Two Factor Co");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/orgs\/[a-z0-9-]+\/settings\/webhooks$/);
    const members = new URL(page.url()).pathname.replace(/\/webhooks$/, "/members");

    // A second browser signed in to the same account, for the sessions list.
    const other = await newPage();
    await other.goto("/sign-in");
    await signInWithPassword(other, email);
    await other.waitForURL(/\/orgs\//);

    // Requiring two-factor for owners needs one's own first.
    await page.goto(members);
    const requireOwners = page.getByRole("checkbox", { name: /Require two-factor authentication for owners/ });
    await requireOwners.check();
    await page.getByText("Turn on two-factor authentication for your own account first").waitFor();
    expect(await page.getByRole("button", { name: "Save", exact: true }).isDisabled()).toBe(true);

    await page.getByRole("link", { name: "Security", exact: true }).click();
    await page.waitForURL("**/account/security");
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    await page.getByLabel("Confirm your password").fill(PASSWORD);
    await page.getByRole("button", { name: "Continue" }).click();
    const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
    // The setup link as a QR code, drawn in the page (the secret never leaves it).
    await page.getByRole("img", { name: "QR code to add Webhooks to an authenticator app" }).locator("svg path").first().waitFor();
    const recoveryCodes = await page.getByTestId("recovery-codes").locator("li").allTextContents();
    expect(recoveryCodes.length).toBeGreaterThanOrEqual(8);
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    await page.getByLabel("Code from your app").fill(totp.generate());
    await page.getByRole("button", { name: "Verify and turn on" }).click();
    // On once the code is accepted: the page now offers to turn it off.
    await page.getByRole("button", { name: "Turn off" }).waitFor();

    // This browser is marked; the other one is signed out from here.
    await page.getByText("This browser", { exact: true }).waitFor();
    expect(await page.getByTestId("session-row").count()).toBe(2);
    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Sign out everywhere else" }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await page.reload();
    expect(await page.getByTestId("session-row").count()).toBe(1);
    await other.goto(members);
    await other.waitForURL("**/sign-in?**");

    // Signing in now takes the password and then a code, and still goes where `next` says.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL("**/sign-in");
    await page.goto(`/sign-in?next=${encodeURIComponent(members)}`);
    await signInWithPassword(page, email);
    await page.getByLabel("Authentication code").fill(totp.generate());
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.waitForURL(`**${members}`);
    await page.getByRole("heading", { level: 1, name: "Members" }).waitFor();

    // Now the owner can require it; turning their own off then shuts them out of the organization's pages.
    await requireOwners.check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved.").waitFor();
    await page.goto("/account/security");
    await page.getByRole("button", { name: "Turn off" }).click();
    await page.getByLabel("Confirm your password").fill(PASSWORD);
    await page.getByRole("button", { name: "Turn off" }).click();
    await page.getByRole("button", { name: "Turn on two-factor" }).waitFor();
    await page.goto(members);
    await page.waitForURL("**/account/security?required=*");
    await page.getByText("Two Factor Co requires two-factor authentication for owners").waitFor();
  });
});
