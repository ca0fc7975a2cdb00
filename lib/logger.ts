import pino from "pino";
import { getEnv } from "@/lib/env";

/**
 * The structured logger. Log ids, event types and URL hosts only: never
 * secrets, signatures, full URLs or payloads.
 */
export const logger = pino({
  level: safeLevel(),
  base: { pid: process.pid },
  redact: { paths: ["secret", "*.secret", "signature", "*.signature", "authorization", "*.authorization"], censor: "[redacted]" },
});

function safeLevel(): string {
  try {
    return getEnv().logLevel;
  } catch {
    return "info"; // invalid configuration is reported by whoever validates it
  }
}
