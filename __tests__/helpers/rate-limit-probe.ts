/**
 * Run as its own process by the rate-limit tests: takes `count` uses of `key`
 * under `spec` from a fresh SharedRateLimiter on DATABASE_URL and prints the
 * decisions as one JSON line. Usage: rate-limit-probe.ts <key> <spec> <count>
 */
import { closeDatabase } from "@/lib/db";
import { SharedRateLimiter } from "@/lib/limits/rate-limiter";
import { parseRateLimit } from "@/lib/limits/spec";

async function main() {
  const [key, text, count] = process.argv.slice(2);
  const spec = parseRateLimit(text!)!;
  const limiter = new SharedRateLimiter();
  const decisions = [];
  for (let i = 0; i < Number(count); i++) decisions.push(await limiter.take(key!, spec));
  process.stdout.write(`${JSON.stringify({ pid: process.pid, decisions })}\n`);
  await closeDatabase();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
