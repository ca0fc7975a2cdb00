import { displayUrl, listEndpoints } from "@/lib/webhooks/endpoints";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { buttonClassName } from "@/app/_components/button";
import { DataCell, DataTable } from "@/app/_components/data-table";
import { EndpointHealthBadge, OutcomeBadge } from "@/app/_components/delivery-state";
import { EmptyState } from "@/app/_components/empty-state";
import { formatCount } from "@/app/_components/format";
import { linkClass } from "@/app/_components/link-class";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import { RelativeTime } from "@/app/_components/relative-time";
import type { OrgMembership } from "@/lib/auth/membership";
import { requireOrgViewer } from "@/lib/auth/page";
import { organizationUsage } from "@/lib/limits/usage";
import { endpointActivity } from "@/lib/webhooks/endpoint-activity";
import { SUCCESS_RATE_BASIS } from "@/lib/webhooks/outcomes";
import { EndpointStatus, SuccessRate } from "./_components/endpoint-status";
import { WebhooksNav } from "./_components/tab-nav";
import { UsageSummary } from "./_components/usage";
import { WebhooksSkeleton } from "./_components/webhooks-skeleton";

export const metadata: Metadata = { title: "Webhook endpoints" };

/**
 * The organization's endpoints as a table: URL, description, health, 24 h success rate and
 * last delivery. Owners and admins add endpoints; members see the same table read-only,
 * URLs as their host. The delivery-health dashboard is its own view (`health/`); an old
 * link with `?period=` goes there.
 */
export default async function WebhooksPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { organization } = await requireOrgViewer((await params).slug);
  const { period } = await searchParams;
  if (period !== undefined) redirect(`${orgPath(organization.slug)}/health?${new URLSearchParams({ period: String(period) })}`);
  return (
    <Suspense fallback={<WebhooksSkeleton variant="table" />}>
      <EndpointsOverview organization={organization} />
    </Suspense>
  );
}

async function EndpointsOverview({ organization }: { organization: OrgMembership }) {
  const base = orgPath(organization.slug);
  const [endpoints, activity, usage] = await Promise.all([
    listEndpoints({ organizationId: organization.id }),
    endpointActivity({ organizationId: organization.id }),
    organizationUsage({ organizationId: organization.id }),
  ]);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Webhooks"
        description={
          <>
            The URLs that receive signed events from {organization.name}. See{" "}
            <Link href="/docs/webhooks" className={linkClass}>
              the receiving guide
            </Link>{" "}
            for the payload format and how to verify signatures.
          </>
        }
        actions={
          <>
            <Link href={`${base}/history`} className={buttonClassName({ variant: "secondary" })}>
              All deliveries
            </Link>
            {organization.canManage && endpoints.length > 0 && !usage.endpoints.reached ? (
              <Link href={`${base}/new`} className={buttonClassName()}>
                Add endpoint
              </Link>
            ) : null}
          </>
        }
      />
      <WebhooksNav base={base} current="endpoints" />

      {!organization.canManage ? (
        <p className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600">
          You can see this organization&apos;s endpoints and deliveries. Only owners and admins can add or change endpoints.
        </p>
      ) : null}

      {endpoints.length > 0 ? <UsageSummary usage={usage} canManage={organization.canManage} /> : null}

      {endpoints.length === 0 ? (
        <EmptyState
          title="No endpoints yet"
          description={
            <>
              <p>
                An endpoint is a URL on your server that we send an HTTPS POST to whenever something happens in your organization: a
                user joins, an invoice is paid. Each request is signed so you can check it came from us, and failed deliveries are
                retried for about a day.
              </p>
              <p className="mt-2">
                <Link href="/docs/webhooks" className={linkClass}>
                  Read the receiving guide
                </Link>
              </p>
            </>
          }
          action={
            organization.canManage ? (
              <Link href={`${base}/new`} className={buttonClassName()}>
                Add endpoint
              </Link>
            ) : (
              <p className="text-sm text-slate-500">Ask an owner or admin to add one.</p>
            )
          }
        />
      ) : (
        <>
          <DataTable
            stacked
            caption="Endpoints"
            className=""
            columns={[{ label: "URL" }, { label: "Description" }, { label: "Status" }, { label: "Success, 24 h" }, { label: "Last delivery" }]}
          >
            {endpoints.map((endpoint) => {
              const stats = activity.get(endpoint.id);
              const url = displayUrl(endpoint.url, organization.canManage);
              return (
                <tr key={endpoint.id} className="hover:bg-slate-50">
                  <DataCell header label="URL">
                    <Link href={`${base}/${endpoint.id}`} className={`break-all font-mono text-sm ${linkClass}`}>
                      {url}
                    </Link>
                  </DataCell>
                  <DataCell label="Description" className="text-slate-700">
                    {endpoint.description ? <span className="break-words">{endpoint.description}</span> : <span className="italic text-slate-500">No description</span>}
                  </DataCell>
                  <DataCell label="Status">
                    {stats ? (
                      <EndpointHealthBadge health={stats.health} />
                    ) : (
                      <EndpointStatus status={endpoint.status} disabledReason={endpoint.disabledReason} signingBlockedAt={endpoint.signingBlockedAt} />
                    )}
                  </DataCell>
                  <DataCell label="Success, 24 h">
                    <span className="whitespace-nowrap">
                      <SuccessRate rate={stats?.successRate24h} />
                    </span>{" "}
                    <span className="text-xs text-slate-500">
                      {stats && stats.last24h.attempted > 0 ? `of ${formatCount(stats.last24h.attempted)} attempted` : "nothing attempted"}
                    </span>
                  </DataCell>
                  <DataCell label="Last delivery">
                    {stats?.lastDeliveryAt ? (
                      <span className="inline-flex flex-wrap items-center gap-2">
                        <RelativeTime value={stats.lastDeliveryAt} />
                        {stats.lastOutcome ? <OutcomeBadge outcome={stats.lastOutcome} /> : null}
                      </span>
                    ) : (
                      <span className="text-slate-500">None yet</span>
                    )}
                  </DataCell>
                </tr>
              );
            })}
          </DataTable>
          <p className="text-xs text-slate-500">Success rate over the last 24 hours: {SUCCESS_RATE_BASIS}.</p>
        </>
      )}
    </div>
  );
}
