import { EnvError } from "@/lib/env";
import { EmbeddedDatabaseBusyError } from "@/lib/database/embedded-lock";
import { MigrationError } from "@/lib/database/migrate";
import { SecretError } from "@/lib/webhooks/errors";

/**
 * Runs a command-line entry point. Configuration and startup problems end the
 * process with one clear line on stderr and exit code 1 — no stack trace.
 */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
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
