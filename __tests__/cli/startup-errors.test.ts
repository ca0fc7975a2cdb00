import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

function runMigrate(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [require.resolve("tsx/cli"), "scripts/db-migrate.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

describe("a process started with bad configuration", () => {
  it.each([
    [{ DATABASE_URL: "mysql://root:secret@localhost/app" }, /^Invalid configuration: DATABASE_URL uses "mysql:"/],
    [{ DATABASE_URL: "localhost:5432" }, /^Invalid configuration: DATABASE_URL /],
    [{ DATABASE_POOL_SIZE: "lots" }, /^Invalid configuration: DATABASE_POOL_SIZE must be a whole number/],
    [{ APP_ENV: "staging" }, /^Invalid configuration: APP_ENV must be "development" or "production"$/],
    [{ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_NETWORK: "true" }, /^Invalid configuration: WEBHOOK_ALLOW_PRIVATE_NETWORK is refused in production/],
    [{ APP_ENV: "production", WEBHOOK_ALLOW_HTTP: "true" }, /^Invalid configuration: WEBHOOK_ALLOW_HTTP is refused in production/],
    [{ APP_ENV: "production", WEBHOOK_ALLOWED_PRIVATE_CIDRS: "10.0.0.0/33" }, /^Invalid configuration: WEBHOOK_ALLOWED_PRIVATE_CIDRS has "10.0.0.0\/33"/],
    [{ APP_ENV: "production", APP_URL: "https://hooks.example.com", WEBHOOK_ENCRYPTION_KEYS: `k1:${"A".repeat(43)}=`, BETTER_AUTH_SECRET: "x".repeat(32) }, /^Invalid configuration: SMTP_URL must be set in production/],
    [{ APP_ENV: "production", SMTP_URL: "smtp://127.0.0.1:2525", APP_URL: "http://hooks.example.com" }, /^Invalid configuration: APP_URL must be an https URL in production/],
    [{ SMTP_URL: "http://mailer:secret@mail.example.com" }, /^Invalid configuration: SMTP_URL uses "http:" but only smtp:\/\/ and smtps:\/\/ are supported$/],
  ])("%j exits 1 with one clear line and no stack trace", (env, message) => {
    const result = runMigrate(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain("secret");
  });
});
