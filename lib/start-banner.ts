import type { Env } from "@/lib/env";
import { describeRateLimit } from "@/lib/limits/spec";
import type { RunModeDecision } from "@/lib/run-mode";

/** Where deliveries are made: in this process, in worker processes (turned off here), or never here (a web-only process). */
export type WorkerPlacement = "here" | "off" | "web-only";

const WORKER: Record<WorkerPlacement, string> = {
  here: "running in this process",
  off: "off here (WEBHOOK_EMBEDDED_WORKER=false): run `npm run worker`",
  "web-only": "none in this process (a web process): deliveries are made by `npm run worker` processes",
};

export interface StartBannerInput {
  decision: RunModeDecision;
  env: Pick<Env, "appUrl" | "databaseMode" | "dataDir" | "allowedPrivateCidrs" | "maxEndpointsPerOrganization" | "rateLimits">;
  worker: WorkerPlacement;
  /** The demo sign-in, when demo data was seeded. */
  demo?: { email: string; password: string | null; organizationName: string };
  /** Extra lines (e.g. where the development request inspector lives). */
  notes?: string[];
}

const FROM: Record<RunModeDecision["from"], string> = {
  APP_ENV: "from APP_ENV",
  NODE_ENV: "from NODE_ENV=production",
  default: "the default; APP_ENV=production or NODE_ENV=production for production",
};

/**
 * What `npm start` prints once it serves: the run mode and what it implies
 * (which receivers are allowed, whether demo data was seeded), and how to sign in.
 */
export function startBanner({ decision, env, worker, demo, notes = [] }: StartBannerInput): string {
  const production = decision.mode === "production";
  const receivers = production
    ? env.allowedPrivateCidrs.length
      ? `https only; private networks only inside ${env.allowedPrivateCidrs.join(", ")}`
      : "https only, public addresses only"
    : "http and https, private and loopback addresses allowed";
  const database = env.databaseMode === "embedded" ? `embedded (${env.dataDir})` : "PostgreSQL";
  const lines = [
    `Webhooks is running: ${env.appUrl}`,
    `  Mode:       ${decision.mode} (${FROM[decision.from]})`,
    `  Receivers:  ${receivers}; link-local and cloud metadata addresses never`,
    `  Database:   ${database}`,
    `  Worker:     ${WORKER[worker]}`,
    `  Limits:     ${env.maxEndpointsPerOrganization} endpoints per organization; ingest ${describeRateLimit(env.rateLimits.ingestPerKey)} per API key, ` +
      `${describeRateLimit(env.rateLimits.ingestPerOrganization)} per organization (RATE_LIMIT_*, see the README)`,
    demo
      ? `  Demo data:  seeded. Sign in at ${env.appUrl}/sign-in as ${demo.email}` +
        (demo.password ? ` with password ${demo.password}` : "") +
        ` (organization "${demo.organizationName}"), or create your own account.`
      : `  Demo data:  not seeded (production; SEED_DEMO=true seeds it). Create your account at ${env.appUrl}/sign-up.`,
    ...notes.map((note) => `  ${note}`),
  ];
  return `\n  ${lines.join("\n  ")}\n\n`;
}
