import http from "node:http";
import type { AddressInfo } from "node:net";
import { POST } from "@/app/api/auth/[...all]/route";
import { resetAuth } from "@/lib/auth/server";
import { resetEnvCache } from "@/lib/env";
import { stampClientAddress } from "@/lib/http/client-address";
import { call, PASSWORD, setupAuth, signUp } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";

const db = setupTestDatabase();
setupAuth();

const SIGN_IN = "/api/auth/sign-in/email";

function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  return call(POST, { path: SIGN_IN, body: { email, password }, headers: { origin: "http://localhost:3000", ...headers } });
}

beforeEach(async () => {
  await db.truncate();
  resetAuth();
});

describe("per-address sign-in limit", () => {
  it("answers 429 with Retry-After after 5 wrong passwords a minute, whatever X-Forwarded-For says", async () => {
    const { email } = await signUp("victim@example.com");
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 20; i++) {
      const response = await signIn(email, `wrong password ${i}`, { "x-forwarded-for": `198.51.100.${i + 1}` });
      statuses.push(response.status);
      if (response.status === 429) retryAfter ??= response.headers.get("retry-after");
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(15).fill(429));
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  });

  it("keeps the counts in the database, where every process and auth instance sees them", async () => {
    const { email } = await signUp("shared@example.com");
    for (let i = 0; i < 3; i++) expect((await signIn(email, "wrong password")).status).toBe(401);
    resetAuth(); // a second instance, as another process would have
    for (let i = 0; i < 2; i++) expect((await signIn(email, "wrong password")).status).toBe(401);
    const rows = await db.prisma.authRateLimit.findMany();
    expect(rows.map((row) => [row.key, row.count])).toEqual([["127.0.0.1|/sign-in/email", 5]]);
    resetAuth();
    expect((await signIn(email, PASSWORD)).status).toBe(429);
    // The database is the only place the count lives: clear it and the address may try again.
    await db.prisma.authRateLimit.deleteMany();
    expect((await signIn(email, PASSWORD)).status).toBe(200);
  });
});

describe("behind npm start's server", () => {
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    // What scripts/start.ts does in front of Next: stamp the client address, then route.
    server = http.createServer((req, res) => {
      stampClientAddress(req);
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
        void POST(new Request(new URL(req.url!, "http://localhost:3000"), { method: "POST", headers, body: Buffer.concat(chunks) })).then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    delete process.env.TRUSTED_PROXIES;
    resetEnvCache();
  });

  function useTrustedProxies(value: string | undefined) {
    if (value === undefined) delete process.env.TRUSTED_PROXIES;
    else process.env.TRUSTED_PROXIES = value;
    resetEnvCache();
  }

  async function post(email: string, password: string, headers: Record<string, string>) {
    const response = await fetch(`${origin}${SIGN_IN}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3000", ...headers },
      body: JSON.stringify({ email, password }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it("counts client addresses separately when TRUSTED_PROXIES covers the peer", async () => {
    useTrustedProxies("127.0.0.1");
    const { email } = await signUp("proxied@example.com");
    const first = { "x-forwarded-for": "203.0.113.7" };
    for (let i = 0; i < 5; i++) expect(await post(email, "wrong password", first)).toBe(401);
    expect(await post(email, "wrong password", first)).toBe(429);
    // Another client behind the same proxy has its own count; a spoofed left-most hop changes nothing.
    expect(await post(email, "wrong password", { "x-forwarded-for": "198.51.100.1, 203.0.113.8" })).toBe(401);
    expect(await post(email, "wrong password", { "x-forwarded-for": "203.0.113.8, 203.0.113.7" })).toBe(429);
  });

  it("ignores X-Forwarded-For and a client-sent address header when the peer is not trusted", async () => {
    useTrustedProxies(undefined);
    const { email } = await signUp("direct@example.com");
    for (let i = 0; i < 5; i++) expect(await post(email, "wrong password", { "x-forwarded-for": `203.0.113.${i + 1}` })).toBe(401);
    expect(await post(email, "wrong password", { "x-forwarded-for": "203.0.113.99", "x-webhooks-client-ip": "203.0.113.99" })).toBe(429);
  });
});
