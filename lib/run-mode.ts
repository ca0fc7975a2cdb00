/**
 * The run mode — development or production — decided once per process, before
 * Next.js loads, and read from here by every module that behaves differently.
 *
 * Why not `NODE_ENV`: `next build` inlines `process.env.NODE_ENV` into bundled
 * server code as "production", and Next's `app.prepare()` sets it to
 * "production" for the rest of the process. Code that asked `NODE_ENV` saw
 * production inside a development start, which is how a second `npm start`
 * came to refuse sign-in. `APP_ENV` is never inlined, so the decision is kept
 * there: every bundle, module instance and child process of this process reads
 * the same answer.
 */

export const RUN_MODES = ["development", "production"] as const;
export type RunMode = (typeof RUN_MODES)[number];

export interface RunModeDecision {
  mode: RunMode;
  /** Which variable decided it, for the start banner. */
  from: "APP_ENV" | "NODE_ENV" | "default";
}

type Source = Record<string, string | undefined>;

function appEnv(source: Source): RunMode | undefined {
  const value = source.APP_ENV?.trim().toLowerCase();
  return value === "development" || value === "production" ? value : undefined;
}

/**
 * The rule every entry point (`npm start`, `npm run worker`, scripts) follows:
 * `APP_ENV` when set; otherwise `NODE_ENV=production` in the environment the
 * process was given means production; otherwise development. Pure. An invalid
 * `APP_ENV` is not guessed at: `parseEnv` refuses it with a one-line error.
 */
export function decideRunMode(source: Source = process.env): RunModeDecision {
  const fromAppEnv = appEnv(source);
  if (fromAppEnv) return { mode: fromAppEnv, from: "APP_ENV" };
  if (source.NODE_ENV === "production") return { mode: "production", from: "NODE_ENV" };
  return { mode: "development", from: "default" };
}

const holder = globalThis as typeof globalThis & { __runModeDecision?: RunModeDecision };

/**
 * Decides the mode for this process and records it as `APP_ENV`, so that code
 * running after Next.js changed `NODE_ENV` — and any child process — sees the
 * same decision. Call it first thing in every entry point. Idempotent.
 */
export function establishRunMode(source: Source = process.env): RunModeDecision {
  holder.__runModeDecision ??= decideRunMode(source);
  process.env.APP_ENV = holder.__runModeDecision.mode;
  return holder.__runModeDecision;
}

/** True when an entry point decided the mode (or `APP_ENV` was given). */
export function isRunModeDecided(): boolean {
  return appEnv(process.env) !== undefined;
}

/**
 * The process's mode. Where no entry point decided it (Jest, a library caller),
 * falls back to `NODE_ENV` read at call time: "production" means production,
 * anything else development.
 */
export function runMode(): RunMode {
  return appEnv(process.env) ?? (process.env.NODE_ENV === "production" ? "production" : "development");
}

export function isProduction(): boolean {
  return runMode() === "production";
}

/**
 * True only inside an app or worker that was *started* in development mode.
 * The development relaxations (plain http and private receivers, the request
 * inspector, demo deliveries) hang on this, so a library called without a
 * decision keeps its strict defaults.
 */
export function isDevelopmentStart(): boolean {
  return isRunModeDecided() && runMode() === "development";
}
