import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { PrismaClient } from "@/generated/prisma/client";
import { prisma } from "@/lib/db";
import { SharedRateLimiter } from "@/lib/limits/rate-limiter";
import { describeRateLimit, parseRateLimit, type RateLimitSpec } from "@/lib/limits/spec";
import { pruneExpired } from "@/lib/webhooks/maintenance";
import { adminDatabaseUrl, setupTestDatabase } from "../helpers/database";

setupTestDatabase();

const HOUR: RateLimitSpec = { max: 5, windowSeconds: 3600 };

/** Counts the statements a limiter sends, to show that requests are not written one by one. */
function countingClient(): { client: PrismaClient; statements: () => number } {
  let statements = 0;
  const client = new Proxy(prisma, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "$queryRawUnsafe") return value;
      return (...args: unknown[]) => {
        statements++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client, statements: () => statements };
}

function clock(start = Date.parse("2026-12-03T10:00:00.000Z")) {
  let current = start;
  return { now: () => current, advance: (seconds: number) => (current += seconds * 1000) };
}

describe("rate limit specs", () => {
  test.each([
    ["100/1s", { max: 100, windowSeconds: 1 }],
    ["10/1m", { max: 10, windowSeconds: 60 }],
    ["20 / 1h", { max: 20, windowSeconds: 3600 }],
    ["500/30s", { max: 500, windowSeconds: 30 }],
    ["5/m", { max: 5, windowSeconds: 60 }],
    ["3/2d", { max: 3, windowSeconds: 172_800 }],
    ["off", null],
  ])("%s", (text, expected) => {
    expect(parseRateLimit(text)).toEqual(expected);
    if (expected) expect(parseRateLimit(describeRateLimit(expected))).toEqual(expected);
  });

  test.each(["", "100", "100/", "100/1y", "0/1s", "-1/1s", "ten/1m", "5/0s", "5/8d"])("refuses %p", (text) => {
    expect(() => parseRateLimit(text)).toThrow(/rate limit|at least 1|window/);
  });
});

describe("a limiter shared through the database", () => {
  it("allows max uses in a window across limiters, then refuses with the seconds left", async () => {
    const time = clock();
    const first = new SharedRateLimiter({ now: time.now });
    const second = new SharedRateLimiter({ now: time.now });
    for (let i = 0; i < 5; i++) expect(await first.take("shared", HOUR)).toMatchObject({ allowed: true });
    time.advance(600);
    expect(await second.take("shared", HOUR)).toEqual({ allowed: false, retryAfterSeconds: 3000 });
    expect(await first.take("shared", HOUR)).toEqual({ allowed: false, retryAfterSeconds: 3000 });
    // A new window opens with the first use after the old one ended.
    time.advance(3000);
    expect(await second.take("shared", HOUR)).toMatchObject({ allowed: true });
  });

  it("counts a cost as that many uses, across limiters, and a cost above the budget as the whole budget", async () => {
    const time = clock();
    const first = new SharedRateLimiter({ now: time.now });
    const second = new SharedRateLimiter({ now: time.now });
    expect(await first.take("costly", HOUR, 3)).toMatchObject({ allowed: true });
    expect(await second.take("costly", HOUR, 3)).toMatchObject({ allowed: false });
    // What the refused request leased is not lost: it pays for the next ones.
    expect(await second.take("costly", HOUR, 2)).toMatchObject({ allowed: true });
    expect(await first.take("costly", HOUR)).toMatchObject({ allowed: false });

    expect(await first.take("whole", HOUR, 50)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await second.take("whole", HOUR)).toMatchObject({ allowed: false });
    time.advance(3600);
    expect(await second.take("whole", HOUR, 50)).toMatchObject({ allowed: true });
  });

  it("keeps keys apart", async () => {
    const limiter = new SharedRateLimiter();
    for (let i = 0; i < 5; i++) await limiter.take("key-a", HOUR);
    expect(await limiter.take("key-a", HOUR)).toMatchObject({ allowed: false });
    expect(await limiter.take("key-b", HOUR)).toMatchObject({ allowed: true });
  });

  it("leases slices: a busy process writes a few times per window, not once per request", async () => {
    const { client, statements } = countingClient();
    const limiter = new SharedRateLimiter({ prisma: client, now: clock().now });
    const spec = { max: 1000, windowSeconds: 60 };
    let allowed = 0;
    for (let i = 0; i < 1001; i++) if ((await limiter.take("busy", spec)).allowed) allowed++;
    expect(allowed).toBe(1000);
    // Slices of 1, 2, 4 … up to 5 % of the budget: about 25 statements for 1 001 requests.
    expect(statements()).toBeLessThan(40);
  });

  it("never admits more than max when many requests race in several limiters", async () => {
    const time = clock();
    const limiters = Array.from({ length: 4 }, () => new SharedRateLimiter({ now: time.now }));
    const spec = { max: 50, windowSeconds: 60 };
    const decisions = await Promise.all(Array.from({ length: 200 }, (_, i) => limiters[i % 4]!.take("race", spec)));
    const allowed = decisions.filter((decision) => decision.allowed).length;
    expect(allowed).toBeLessThanOrEqual(50);
    // Slices still in other limiters' hands at most: 4 limiters × the largest slice (2).
    expect(allowed).toBeGreaterThanOrEqual(50 - 4 * 2);
  });

  it("prunes windows that ended over an hour ago", async () => {
    await prisma.rateLimitBudget.deleteMany();
    const time = clock(Date.now() - 3 * 3600_000);
    await new SharedRateLimiter({ now: time.now }).take("old", HOUR);
    await new SharedRateLimiter().take("current", HOUR);
    expect(await pruneExpired({ retentionDays: 30 })).toMatchObject({ rateLimitWindows: 1 });
    expect((await prisma.rateLimitBudget.findMany()).map((row) => row.key)).toEqual(["current"]);
  });
});

const describePostgres = adminDatabaseUrl() ? describe : describe.skip;

describePostgres("two processes on one PostgreSQL database", () => {
  const probe = (key: string, spec: string, count: number) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", path.resolve(__dirname, "../helpers/rate-limit-probe.ts"), key, spec, String(count)], {
      cwd: path.resolve(__dirname, "../.."),
      env: { PATH: process.env.PATH, DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: "silent" } as unknown as NodeJS.ProcessEnv,
      timeout: 60_000,
    }).then(({ stdout }) => JSON.parse(stdout.trim().split("\n").pop()!) as { pid: number; decisions: { allowed: boolean; retryAfterSeconds?: number }[] });

  it("refuses the N+1-th use in another process than the first N", async () => {
    const limiter = new SharedRateLimiter();
    for (let i = 0; i < 5; i++) expect(await limiter.take("cross-1", HOUR)).toMatchObject({ allowed: true });
    const other = await probe("cross-1", "5/1h", 1);
    expect(other.pid).not.toBe(process.pid);
    expect(other.decisions).toEqual([{ allowed: false, retryAfterSeconds: expect.any(Number) }]);
    expect(other.decisions[0]!.retryAfterSeconds).toBeGreaterThan(3500);
  });

  it("and the other way round: N in a child process, the N+1-th refused here", async () => {
    const other = await probe("cross-2", "5/1h", 5);
    expect(other.decisions.every((decision) => decision.allowed)).toBe(true);
    expect(await new SharedRateLimiter().take("cross-2", HOUR)).toMatchObject({ allowed: false });
  });
});
