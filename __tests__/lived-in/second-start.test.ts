import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { livedInSmoke } from "@/scripts/smoke";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";

/**
 * The app as people live with it: `npm start`, stop, `npm start` again on the
 * same data folder (and database), then sign in and deliver a signed test event
 * to a loopback http receiver with the development defaults alone — no
 * WEBHOOK_ALLOW_* switches. The first start alone could not see that the second
 * answered 500 on sign-in.
 */
jest.setTimeout(600_000);

describe("npm start, twice on the same data", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "webhooks-lived-in-"));
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    if (adminDatabaseUrl()) {
      const scratch = await createScratchPostgres();
      databaseUrl = scratch.url;
      dropDatabase = scratch.drop;
    }
  });

  afterAll(async () => {
    await app?.stop();
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("signs in and delivers a signed test event after the second start", async () => {
    app = await startApp({ databaseUrl, dataDir });
    expect(app.output()).toMatch(/Mode: +development/);
    await app.stop();

    app = await startApp({ databaseUrl, dataDir });
    const output = app.output();
    expect(output).toMatch(/Mode: +development \(the default/);
    expect(output).toMatch(/Receivers: +http and https, private and loopback addresses allowed/);
    expect(output).toMatch(/Mail: +kept in \S+mail; read it at http:\/\/localhost:\d+\/dev\/mail/);
    const result = await livedInSmoke(app.url, dataDir);
    expect(result.received).toBeGreaterThanOrEqual(1);

    // Security headers: a nonce-based CSP on pages, the static ones on pages and API alike.
    const page = await fetch(`${app.url}/sign-in`);
    const csp = page.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    const html = await page.text();
    // Every script Next rendered carries this response's nonce.
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const again = await fetch(`${app.url}/sign-in`);
    expect(again.headers.get("content-security-policy")).not.toBe(csp);
    for (const response of [page, await fetch(`${app.url}/api/health`)]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
    expect(page.headers.get("strict-transport-security")).toBeNull();
  });
});
