import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { buttonClassName } from "@/app/_components/button";
import { Dashboard, DashboardSkeleton } from "@/app/_components/dashboard";
import { parseMetricsPeriod } from "@/app/_components/dashboard-text";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import { requireOrgViewer } from "@/lib/auth/page";
import { WebhooksNav } from "../_components/tab-nav";

export const metadata: Metadata = { title: "Delivery health" };

/** The organization's delivery-health dashboard for `?period=` (1h, 24h, 7d, 30d; default 24h), for every member. */
export default async function DeliveryHealthPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { organization } = await requireOrgViewer((await params).slug);
  const period = parseMetricsPeriod((await searchParams).period);
  const base = orgPath(organization.slug);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Webhooks"
        description={`How deliveries to ${organization.name}'s endpoints are going: success rate, delivery time, backlog and open alerts.`}
        actions={
          <Link href={`${base}/history`} className={buttonClassName({ variant: "secondary" })}>
            All deliveries
          </Link>
        }
      />
      <WebhooksNav base={base} current="health" />
      <Suspense key={period} fallback={<DashboardSkeleton />}>
        <Dashboard organizationId={organization.id} period={period} basePath={`${base}/health`} endpointsPath={base} fullUrls={organization.canManage} />
      </Suspense>
    </div>
  );
}
