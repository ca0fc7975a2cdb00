import type { Metadata } from "next";
import { Suspense } from "react";
import { Alert } from "@/app/_components/alert";
import { AuthCard } from "@/app/_components/auth-card";
import { Button } from "@/app/_components/button";
import { inputClassName } from "@/app/_components/field";
import { PageHeader } from "@/app/_components/page-header";
import { DashboardSkeleton, DashboardView, loadDashboard, parseMetricsPeriod } from "@/app/orgs/[slug]/settings/webhooks/_components/dashboard";
import type { MetricsPeriod } from "@/lib/webhooks/metrics";
import { getOpsAccess } from "./_components/access";
import { loadOrganizationTotals, OrganizationTable } from "./_components/organization-table";
import { BacklogAndThroughput } from "./_components/throughput";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Operations", robots: { index: false, follow: false } };

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * Webhook operations across every organization: the delivery-health dashboard,
 * backlog and worker throughput, the busiest organizations and every open alert.
 * Only for whoever holds METRICS_TOKEN (there is no ops role yet): it is posted
 * once to /ops/session and kept in an httpOnly cookie.
 */
export default async function OpsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const access = await getOpsAccess();

  if (access === "unconfigured") {
    return (
      <AuthCard title="Operations" description="Delivery health across every organization.">
        <Alert tone="warning" title="Ops access is not configured">
          <p>
            Set <code className="font-mono">METRICS_TOKEN</code> in the server&apos;s environment to a random secret of at least 16 characters
            (for example the output of <code className="font-mono">openssl rand -hex 32</code>) and restart the app. Whoever knows it can sign
            in here and read <code className="font-mono">/api/metrics</code>.
          </p>
        </Alert>
      </AuthCard>
    );
  }

  if (access !== "allowed") {
    const error = params.error === "1";
    return (
      <AuthCard title="Operations" description="Delivery health across every organization. Sign in with the METRICS_TOKEN of this deployment.">
        <div className="space-y-4">
          {error ? (
            <Alert tone="error" id="ops-token-error">
              That token is not valid. Check METRICS_TOKEN and try again.
            </Alert>
          ) : null}
          {!error && access === "expired" ? <Alert tone="info">Your ops sign-in is no longer valid (the token changed). Sign in again.</Alert> : null}
          <form method="post" action="/ops/session" className="space-y-4">
            <div>
              <label htmlFor="ops-token" className="block text-sm font-medium text-slate-800">
                Metrics token
              </label>
              <input
                id="ops-token"
                name="token"
                type="password"
                required
                autoComplete="current-password"
                spellCheck={false}
                aria-invalid={error || undefined}
                aria-describedby={error ? "ops-token-error" : undefined}
                className={`mt-1.5 font-mono ${inputClassName(error)}`}
              />
            </div>
            <Button type="submit" className="w-full">
              Sign in to ops
            </Button>
          </form>
        </div>
      </AuthCard>
    );
  }

  const period = parseMetricsPeriod(params.period);
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <a
          href="#main"
          className="sr-only rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50"
        >
          Skip to content
        </a>
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <p className="text-sm font-semibold uppercase tracking-wide text-indigo-600">
            Webhooks <span className="text-slate-300" aria-hidden="true">/</span> <span className="text-slate-700">Operations</span>
          </p>
          <form method="post" action="/ops/session">
            <input type="hidden" name="_action" value="signout" />
            <Button type="submit" variant="secondary" size="sm">
              Sign out of ops
            </Button>
          </form>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl space-y-8 px-4 py-8 sm:px-6">
        <PageHeader title="Operations" description="Webhook delivery across every organization: health, backlog, worker throughput, the busiest organizations and every open alert." />
        <Suspense key={period} fallback={<DashboardSkeleton />}>
          <OpsOverview period={period} />
        </Suspense>
      </main>
    </>
  );
}

async function OpsOverview({ period }: { period: MetricsPeriod }) {
  const now = new Date();
  const [dashboard, organizations] = await Promise.all([
    loadDashboard({ organizationId: null, period, now }),
    loadOrganizationTotals({ period, now }),
  ]);
  return (
    <div className="space-y-10">
      <DashboardView data={dashboard} basePath="/ops" />
      <BacklogAndThroughput metrics={dashboard.metrics} series={dashboard.series} period={period} />
      <OrganizationTable rows={organizations} period={period} />
    </div>
  );
}
