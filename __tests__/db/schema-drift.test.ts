import { spawnSync } from "node:child_process";
import path from "node:path";

/**
 * `npm run db:diff` replays prisma/migrations into a shadow database and
 * compares the result with schema.prisma. Empty means every schema change has
 * its migration (and the README's recipe for writing one works).
 */
it("prisma/migrations produce exactly schema.prisma", () => {
  const root = path.resolve(__dirname, "../..");
  const result = spawnSync(process.execPath, [require.resolve("prisma/build/index.js"), "migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma", "--script"], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: "" },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(result.stderr).not.toMatch(/Error/);
  expect(result.status).toBe(0);
  expect(result.stdout.trim()).toBe("-- This is an empty migration.");
});
