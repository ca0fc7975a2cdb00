import { buildState } from "@/lib/build-stamp";
import { getEnv } from "@/lib/env";
import { CliError, runCli } from "./cli";
import { serve } from "./serve";

/**
 * `npm run start:web`: a web process for production on PostgreSQL, beside any
 * number of `npm run worker` processes. It serves the build `npm run build`
 * made and never builds by itself (a fleet of web processes must not each
 * rebuild, nor serve code other than what was deployed): no build, or a build
 * of other sources, is a one-line refusal. It migrates like every process
 * (idempotent, under an advisory lock), seeds demo data only by the mode's rule
 * (production: SEED_DEMO=true) and runs no worker.
 */
runCli(async () => {
  if (getEnv().databaseMode === "embedded") {
    throw new CliError(
      "npm run start:web needs PostgreSQL: set DATABASE_URL=postgresql://… (the embedded database allows one process; `npm start` serves and delivers from it in one)",
    );
  }
  await serve({
    prepareBuild: async (root) => {
      const state = buildState(root);
      if (state === "missing") throw new CliError("There is no production build in .next: run `npm run build` first (npm run start:web never builds)");
      if (state === "stale") {
        throw new CliError("The build in .next is not of these sources (they changed since, or `npm run build` did not make it): run `npm run build` first (npm run start:web never builds)");
      }
    },
    worker: "web-only",
  });
});
