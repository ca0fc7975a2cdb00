import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { Alert } from "@/app/_components/alert";
import { AuthCard } from "@/app/_components/auth-card";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { withNext } from "@/app/_components/safe-next";
import { PageHeader } from "@/app/_components/page-header";
import { DashboardSkeleton, DashboardView } from "@/app/_components/dashboard";
import { parseMetricsPeriod } from "@/app/_components/dashboard-text";
import { SkipLink } from "@/app/_components/skip-link";
import { getOrganizationTotals, loadDashboard, type MetricsPeriod } from "@/lib/webhooks/metrics";
import { getOpsAccess } from "./_components/access";
import { OrganizationTable } from "./_components/organization-table";
import { BacklogAndThroughput } from "./_components/throughput";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Operations", robots: { index: false, follow: false } };

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * Webhook operations across every organization: the delivery-health dashboard,
 * backlog and worker throughput, the busiest organizations and every open alert.
 * Only for platform admins: users signed in with an address listed in
 * PLATFORM_ADMIN_EMAILS (verified, in production). No shared token in a cookie;
 * monitoring tools keep METRICS_TOKEN for /api/metrics.
 */
export default async function OpsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const access = await getOpsAccess();

  if (access === "signed_out") redirect(withNext("/sign-in", "/ops"));
  if (access === "unconfigured") {
    return (
      <AuthCard title="Operations" description="Delivery health across every organization.">
        <Alert tone="warning" title="Ops access is not configured">
          <p>
            Set <code className="font-mono">PLATFORM_ADMIN_EMAILS</code> in the server&apos;s environment to the addresses of the people who
            run this deployment (comma-separated) and restart the app. They sign in as usual and open this page. Monitoring tools read{" "}
            <code className="font-mono">/api/metrics</code> with <code className="font-mono">METRICS_TOKEN</code> instead.
          </p>
        </Alert>
      </AuthCard>
    );
  }
  if (access === "forbidden") {
    return (
      <AuthCard title="Operations" description="Delivery health across every organization.">
        <Alert tone="error" title="Only platform admins can open this page">
          <p>
            You are signed in, but your address is not one of this deployment&apos;s platform admins (or, in production, it is not verified
            yet). Ask whoever runs it to add you to <code className="font-mono">PLATFORM_ADMIN_EMAILS</code>.
          </p>
        </Alert>
      </AuthCard>
    );
  }

  const period = parseMetricsPeriod(params.period);
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <SkipLink />
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <p className="text-sm font-semibold uppercase tracking-wide text-indigo-600">
            Webhooks <span className="text-slate-300" aria-hidden="true">/</span> <span className="text-slate-700">Operations</span>
          </p>
          <SignOutButton redirectTo="/sign-in?next=%2Fops" variant="secondary" />
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
    loadDashboard({ organizationId: null, period, now: () => now }),
    getOrganizationTotals({ period, now: () => now }),
  ]);
  return (
    <div className="space-y-10">
      <DashboardView data={dashboard} basePath="/ops" />
      <BacklogAndThroughput metrics={dashboard.metrics} series={dashboard.series} period={period} />
      <OrganizationTable rows={organizations} period={period} />
    </div>
  );
}
