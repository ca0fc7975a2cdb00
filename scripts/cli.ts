import { EnvError, getEnv } from "@/lib/env";
import { establishRunMode } from "@/lib/run-mode";
import { EmbeddedDatabaseBusyError } from "@/lib/database/embedded-lock";
import { MigrationError } from "@/lib/database/migrate";
import { SecretError } from "@/lib/webhooks/errors";

/**
 * Runs a command-line entry point: validates the configuration, decides the run
 * mode once (lib/run-mode.ts) so every entry point — web, worker, scripts —
 * follows the same rule, then runs `main`. Configuration and startup problems
 * end the process with one clear line on stderr and exit code 1 — no stack trace.
 */
export function runCli(main: () => Promise<void>): void {
  Promise.resolve()
    .then(() => {
      // Validation first: an invalid APP_ENV must stop here, not be overwritten by a guess.
      getEnv();
      establishRunMode();
      return main();
    })
    .catch((error: unknown) => {
      if (error instanceof EnvError ||
        error instanceof EmbeddedDatabaseBusyError ||
        error instanceof MigrationError ||
        error instanceof SecretError) {
        process.stderr.write(`${error.message}\n`);
      } else {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      process.exit(1);
    });
}
