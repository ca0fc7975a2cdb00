import { EnvError, getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { establishRunMode } from "@/lib/run-mode";
import { BackupError } from "@/lib/database/backup-format";
import { EmbeddedDatabaseBusyError } from "@/lib/database/embedded-lock";
import { MigrationError } from "@/lib/database/migrate";
import { SecretError } from "@/lib/webhooks/errors";

/** A refusal whose message says everything the operator needs: printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

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
        error instanceof CliError ||
        error instanceof EmbeddedDatabaseBusyError ||
        error instanceof MigrationError ||
        error instanceof BackupError ||
        error instanceof SecretError) {
        process.stderr.write(`${error.message}\n`);
      } else {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      process.exit(1);
    });
}

/**
 * Stops a long-running process on its first SIGTERM or SIGINT (a second is ignored while it
 * stops): runs `stop`, then exits 0 when it resolved, or logs what it threw and exits 1.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}

/**
 * Splits `argv` into one file argument and flags from `allowed`; anything else
 * throws a {@link BackupError} carrying `usage`.
 */
export function parseFileArguments(argv: string[], allowed: string[], usage: string): { file: string; flags: Set<string> } {
  const flags = new Set<string>();
  const files: string[] = [];
  for (const argument of argv) {
    if (argument.startsWith("--")) {
      if (!allowed.includes(argument)) throw new BackupError("invalid_arguments", `unknown option ${argument}; usage: ${usage}`);
      flags.add(argument);
    } else {
      files.push(argument);
    }
  }
  if (files.length !== 1) throw new BackupError("invalid_arguments", `expected one file name; usage: ${usage}`);
  return { file: files[0]!, flags };
}
