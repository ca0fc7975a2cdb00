import { defineConfig } from "prisma/config";

// The CLI runs fully offline on the bundled Wasm schema engine. Migrations are
// applied by our own migrator (lib/db/migrate.ts) in both database modes; the CLI
// is used for `prisma generate` and `prisma migrate diff`.
process.env.PRISMA_CLI_DATABASE_URL ??= "postgresql://localhost:5432/unused";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    // Only commands that need a live database call this. An in-memory PGlite is
    // enough for `migrate diff` against the migrations folder.
    const { PGlite } = await import("@electric-sql/pglite");
    const { createPGliteAdapter } = await import("./lib/database/pglite-adapter");
    return createPGliteAdapter(new PGlite()) as never;
  },
});
