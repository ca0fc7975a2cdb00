import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Which work a database statement serves. In embedded mode the web requests and the delivery
 * worker share one PGlite session; statements issued under {@link runAsBackground} (the worker's
 * loop, its attempt recording and heartbeat, maintenance jobs) wait while a request's statements
 * are queued, so a burst of deliveries does not sit in front of an API call. PostgreSQL mode has a
 * pool and ignores the marker.
 */
export type Lane = "interactive" | "background";

// On globalThis: Next.js may load this module more than once in one process (its bundles and the
// start script), and the worker's marker must be the one the database adapter reads.
const holder = globalThis as typeof globalThis & { __databaseLane?: AsyncLocalStorage<Lane> };
const lane = (holder.__databaseLane ??= new AsyncLocalStorage<Lane>());

/**
 * Runs `work` — and everything it starts: awaited calls, timers, intervals — in the background
 * lane. Returns what `work` returns.
 */
export function runAsBackground<T>(work: () => T): T {
  return lane.run("background", work);
}

/** The lane of the current asynchronous context: interactive unless inside {@link runAsBackground}. */
export function currentLane(): Lane {
  return lane.getStore() ?? "interactive";
}
