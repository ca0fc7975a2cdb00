/**
 * Next.js calls this once when a server starts. `npm start` and `npm run worker`
 * decide the run mode before Next loads (scripts/cli.ts); this covers servers
 * Next starts itself (`npm run dev`, a bare `next start`), deciding by the same
 * rule before any request is served. Idempotent: a decision made earlier stands.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { establishRunMode } = await import("@/lib/run-mode");
  establishRunMode();
  // Traces of servers Next starts itself; a no-op where the start script already began them, or with no OTLP endpoint.
  const { startTracing } = await import("@/lib/webhooks/tracing");
  startTracing({ role: "web" });
}
