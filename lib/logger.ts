import pino, { type DestinationStream, type Logger } from "pino";
import { getEnv } from "@/lib/env";

/** Field names whose values never reach a log line, at any depth up to {@link REDACT_DEPTH}. */
export const REDACTED_FIELDS = [
  "secret",
  "secrets",
  "signature",
  "token",
  "password",
  "authorization",
  "cookie",
  "set-cookie",
  "apiKey",
  "invitationId",
] as const;

/** How deep the redaction looks (`err.cause.config.headers.authorization` is depth 4). */
const REDACT_DEPTH = 5;

/**
 * pino's redaction matches exact paths, with `*` for one level, so every field is listed at
 * each depth: `secret`, `*.secret`, `*.*.secret`, …
 */
export function redactionPaths(): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth < REDACT_DEPTH; depth++) {
    const prefix = "*.".repeat(depth);
    for (const field of REDACTED_FIELDS) paths.push(/^[A-Za-z_$][\w$]*$/.test(field) ? `${prefix}${field}` : `${prefix}["${field}"]`);
  }
  return paths;
}

/**
 * A structured logger. Log ids, event types and URL hosts only: never secrets,
 * signatures, tokens, cookies, full URLs or payloads. As a second line of
 * defence, {@link REDACTED_FIELDS} are censored wherever they appear. Invitation
 * ids are redacted too: the id is the accept link's only secret.
 */
export function createLogger(destination?: DestinationStream, level: string = safeLevel()): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: redactionPaths(), censor: "[redacted]" },
    },
    destination,
  );
}

/** The process's logger. */
export const logger = createLogger();

function safeLevel(): string {
  try {
    return getEnv().logLevel;
  } catch {
    return "info"; // invalid configuration is reported by whoever validates it
  }
}
