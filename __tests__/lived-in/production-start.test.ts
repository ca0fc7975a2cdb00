import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateKeyRingEntry } from "@/lib/webhooks/secrets";
import { startApp, type RunningApp } from "../helpers/app-server";
import { adminDatabaseUrl, createScratchPostgres } from "../helpers/database";
import { startSmtpServer, type SmtpCatcher } from "../helpers/smtp";

/**
 * `npm start` in production, twice on the same data, as an operator would run it behind a TLS
 * proxy: no demo account, Secure session cookies, https-only endpoints, no development routes.
 */
jest.setTimeout(600_000);

const APP_URL = "https://webhooks.example.test";

describe("npm start in production", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "webhooks-production-"));
  let smtp: SmtpCatcher;
  let env: Record<string, string>;
  const baseEnv = {
    APP_ENV: "production",
    APP_URL,
    WEBHOOK_ENCRYPTION_KEYS: generateKeyRingEntry("prod1"),
    BETTER_AUTH_SECRET: "a-production-secret-of-at-least-32-characters",
  };
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    env = { ...baseEnv, SMTP_URL: smtp.url };
    if (adminDatabaseUrl()) ({ url: databaseUrl, drop: dropDatabase } = await createScratchPostgres());
  });
  afterAll(async () => {
    await app?.stop();
    await dropDatabase?.();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("seeds no demo account, sets Secure cookies, refuses http endpoints and hides development routes, on the second start too", async () => {
    app = await startApp({ databaseUrl, dataDir, env });
    expect(app.output()).toMatch(/Mode: +production \(from APP_ENV\)/);
    expect(app.output()).toMatch(/Demo data: +not seeded/);
    await app.stop();

    app = await startApp({ databaseUrl, dataDir, env });
    const output = app.output();
    expect(output).toMatch(/Receivers: +https only, public addresses only/);
    expect(output).not.toContain("admin@demo.example");

    const post = (route: string, body: unknown, cookie = "") =>
      fetch(`${app!.url}${route}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: APP_URL, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
    const demo = await post("/api/auth/sign-in/email", { email: "admin@demo.example", password: "anything-at-all" });
    expect(demo.status).toBe(401);

    const signUp = await post("/api/auth/sign-up/email", { email: "ops@example.com", password: "correct horse battery staple", name: "Ops" });
    expect(signUp.status).toBe(200);
    const cookies = signUp.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*Secure/i);
    const cookie = cookies.map((line) => line.split(";")[0]).join("; ");
    // Mail goes out through SMTP_URL, with links to the public https URL.
    const verification = await smtp.waitFor((mail) => mail.to.includes("ops@example.com"));
    expect(verification.text).toContain(`${APP_URL}/`);

    const created = await post("/api/auth/organization/create", { name: "Prod Org", slug: "prod-org" }, cookie);
    expect(created.status).toBe(200);
    const organizationId = ((await created.json()) as { id: string }).id;
    const endpoint = await fetch(`${app.url}/api/webhooks/endpoints`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: APP_URL, cookie, "x-organization-id": organizationId },
      body: JSON.stringify({ url: "http://hooks.example.com/in" }),
    });
    expect(endpoint.status).toBe(422);
    expect(await endpoint.json()).toMatchObject({ error: "invalid_url", message: expect.stringContaining("HTTPS") });

    // https APP_URL: browsers are told to use https only.
    expect((await fetch(`${app.url}/sign-in`)).headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");

    for (const route of ["/dev/inbox/anything", "/api/dev/inbox/anything"]) {
      expect((await fetch(`${app.url}${route}`, { method: route.startsWith("/api") ? "POST" : "GET" })).status).toBe(404);
    }
  });
});
