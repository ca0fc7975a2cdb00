import path from "node:path";
import { ensureBuild, nextBuild } from "@/lib/build-stamp";

/**
 * `npm run build`: the production build (`next build`) that `npm run start:web`
 * serves, stamped with a hash of its sources. Skipped when `.next` already holds
 * a build of exactly these sources (`--force` builds anyway). Shares `npm start`'s
 * lock, so a start and a build at once build once.
 */
const root = path.resolve(__dirname, "..");
const force = process.argv.includes("--force");

ensureBuild(root, () => nextBuild(root), { force }).then(
  (built) => {
    if (!built) console.log("The build in .next is already of these sources; nothing to do (`npm run build -- --force` builds anyway).");
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
