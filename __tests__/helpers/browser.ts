import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

/**
 * What every browser test shares: Debian's Chromium, its launch flags, where screenshots
 * go, and when the suites run. They are skipped when Chromium is missing (an error in CI),
 * and when `BROWSER_TESTS=skip`: CI runs the slow browser suites once, in its PostgreSQL
 * pass, not again against the embedded database.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = path.resolve(__dirname, "../../e2e-artifacts");
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const available = existsSync(CHROMIUM);
const skipped = process.env.BROWSER_TESTS === "skip";
if (!available && !skipped && process.env.CI) throw new Error(`Chromium is required for the browser tests in CI (${CHROMIUM} not found)`);
if (!available && !skipped) console.warn(`Skipping browser tests: ${CHROMIUM} not found (apt-get install chromium)`);

/** `describe` for a browser suite, or `describe.skip` (see above). */
export const describeBrowser = available && !skipped ? describe : describe.skip;

/** A fresh headless Chromium with the flags these machines need; screenshots' folder created. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
