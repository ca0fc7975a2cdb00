import { ensureBuild, nextBuild } from "@/lib/build-stamp";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { runCli } from "./cli";
import { serve } from "./serve";

/**
 * `npm start`: validate configuration, build if the sources changed, migrate,
 * seed the demo data, then serve the app and run the delivery worker from this
 * one process (the embedded database allows exactly one process to open it).
 */
runCli(() =>
  serve({
    prepareBuild: async (root) => {
      await ensureBuild(root, () => {
        logger.info("building the app (sources changed since the last build)");
        nextBuild(root);
      });
    },
    worker: getEnv().embeddedWorker ? "here" : "off",
  }),
);
