import { POST } from "@/app/api/auth/[...all]/route";
import { resetAuth } from "@/lib/auth/server";
import { ACCOUNT_FAILURE_LIMIT, ACCOUNT_FAILURE_WINDOW_SECONDS, DEVICE_COOKIE } from "@/lib/auth/sign-in-throttle";
import { call, PASSWORD, setupAuth, signUp } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";

const db = setupTestDatabase();
setupAuth();

const OWNER_ADDRESS = "192.0.2.10";

/** A sign-in through the route, from `address` as npm start's server would have stamped it. */
function signIn(email: string, password: string, address: string, cookie?: string) {
  const headers: Record<string, string> = { origin: "http://localhost:3000", "x-webhooks-client-ip": address };
  if (cookie) headers.cookie = cookie;
  return call(POST, { path: "/api/auth/sign-in/email", body: { email, password }, headers });
}

function deviceCookie(headers: Headers): string {
  const line = headers.getSetCookie().find((value) => value.startsWith(`${DEVICE_COOKIE}=`));
  if (!line) throw new Error("no device cookie was set");
  return line.split(";")[0]!;
}

/** Failed sign-ins for `email`, each from its own address so the per-address limit stays out of the way. */
async function failFromElsewhere(email: string, times: number, base = 0) {
  for (let i = 0; i < times; i++) expect((await signIn(email, "wrong password", `203.0.113.${base + i + 1}`)).status).toBe(401);
}

beforeEach(async () => {
  await db.truncate();
  resetAuth();
});

describe("per-account slowdown", () => {
  it("refuses further attempts from unknown addresses with 429 and Retry-After, even with the right password", async () => {
    const { email } = await signUp("target@example.com");
    await failFromElsewhere(email, ACCOUNT_FAILURE_LIMIT);
    const refused = await signIn(email, PASSWORD, "198.51.100.200");
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("ACCOUNT_THROTTLED");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(ACCOUNT_FAILURE_WINDOW_SECONDS);
    // Unknown emails are counted alike, so the answer does not tell which accounts exist.
    await failFromElsewhere("nobody@example.com", ACCOUNT_FAILURE_LIMIT, 100);
    expect((await signIn("nobody@example.com", PASSWORD, "198.51.100.201")).status).toBe(429);
  });

  it("does not lock the owner out: their last sign-in address and their browser's device cookie still get in", async () => {
    const { email } = await signUp("owner@example.com");
    const first = await signIn(email, PASSWORD, OWNER_ADDRESS);
    expect(first.status).toBe(200);
    const cookie = deviceCookie(first.headers);

    await failFromElsewhere(email, ACCOUNT_FAILURE_LIMIT);
    expect((await signIn(email, PASSWORD, "198.51.100.7")).status).toBe(429);

    // The address of the last successful sign-in, without the cookie.
    expect((await signIn(email, PASSWORD, OWNER_ADDRESS)).status).toBe(200);
    // The same browser on a new network, with its device cookie.
    expect((await signIn(email, PASSWORD, "198.51.100.8", cookie)).status).toBe(200);
    // The cookie proves this browser for this account only, and cannot be forged.
    const other = await signUp("other@example.com");
    await failFromElsewhere(other.email, ACCOUNT_FAILURE_LIMIT, 50);
    expect((await signIn(other.email, PASSWORD, "198.51.100.9", cookie)).status).toBe(429);
    const forged = `${DEVICE_COOKIE}=${cookie.split("=")[1]!.replace(/.$/, (c) => (c === "A" ? "B" : "A"))}`;
    expect((await signIn(email, PASSWORD, "198.51.100.10", forged)).status).toBe(429);
  });

  it("forgets the failures when the window has passed", async () => {
    const { email } = await signUp("later@example.com");
    await failFromElsewhere(email, ACCOUNT_FAILURE_LIMIT);
    expect((await signIn(email, PASSWORD, "198.51.100.11")).status).toBe(429);
    await db.prisma.signInThrottle.update({
      where: { email },
      data: { windowStartedAt: new Date(Date.now() - (ACCOUNT_FAILURE_WINDOW_SECONDS + 1) * 1000) },
    });
    expect((await signIn(email, PASSWORD, "198.51.100.11")).status).toBe(200);
  });
});
