import { displayUrl, listEndpoints } from "@/lib/webhooks/endpoints";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { buttonClassName } from "@/app/_components/button";
import { EmptyState } from "@/app/_components/empty-state";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import type { OrgMembership } from "@/lib/auth/membership";
import { requireOrgViewer } from "@/lib/auth/page";
import { organizationUsage } from "@/lib/limits/usage";
import type { MetricsPeriod } from "@/lib/webhooks/metrics";
import { endpointActivity } from "@/lib/webhooks/endpoint-activity";
import { EndpointHealthBadge, OutcomeBadge } from "@/app/_components/delivery-state";
import { Dashboard, DashboardSkeleton } from "@/app/_components/dashboard";
import { parseMetricsPeriod } from "@/app/_components/dashboard-text";
import { EndpointStatus, EventList, SuccessRate } from "./_components/endpoint-status";
import { plural, urlHost } from "@/app/_components/format";
import { linkClass } from "@/app/_components/link-class";
import { RelativeTime } from "@/app/_components/relative-time";
import { cardClassName } from "@/app/_components/card";
import { UsageSummary } from "./_components/usage";
import { WebhooksSkeleton } from "./_components/webhooks-skeleton";

export const metadata: Metadata = { title: "Webhook endpoints" };

/**
 * The organization's endpoints with their recent activity, below a delivery-health
 * dashboard for `?period=` (1h, 24h, 7d, 30d; default 24h). Owners and admins can
 * add endpoints; members only look.
 */
export default async function WebhooksPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { organization } = await requireOrgViewer((await params).slug);
  const period = parseMetricsPeriod((await searchParams).period);
  return (
    <Suspense fallback={<WebhooksSkeleton />}>
      <EndpointsOverview organization={organization} period={period} />
    </Suspense>
  );
}

async function EndpointsOverview({ organization, period }: { organization: OrgMembership; period: MetricsPeriod }) {
  const base = orgPath(organization.slug);
  const [endpoints, activity, usage] = await Promise.all([
    listEndpoints({ organizationId: organization.id }),
    endpointActivity({ organizationId: organization.id }),
    organizationUsage({ organizationId: organization.id }),
  ]);

  return (
    <div className="space-y-8">
      <PageHeader
        title="Webhook endpoints"
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

      {!organization.canManage ? (
        <p className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600">
          You can see this organization&apos;s endpoints and deliveries. Only owners and admins can add or change endpoints.
        </p>
      ) : null}

      {endpoints.length > 0 ? <UsageSummary usage={usage} canManage={organization.canManage} /> : null}

      {endpoints.length > 0 ? (
        // Its own boundary: the endpoint list shows while the aggregates load. Without endpoints there is nothing to measure.
        <Suspense key={period} fallback={<DashboardSkeleton />}>
          <Dashboard organizationId={organization.id} period={period} basePath={base} />
        </Suspense>
      ) : null}

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
        <ul className="grid gap-4" aria-label="Endpoints">
          {endpoints.map((endpoint) => {
            const stats = activity.get(endpoint.id);
            const host = urlHost(endpoint.url);
            return (
              <li key={endpoint.id} className={cardClassName("md")}>
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div className="min-w-0">
                    <h2 className="truncate text-base font-semibold">
                      <Link href={`${base}/${endpoint.id}`} title={displayUrl(endpoint.url, organization.canManage)} className={linkClass}>
                        {host}
                      </Link>
                    </h2>
                    {endpoint.description ? (
                      <p className="mt-0.5 text-sm text-slate-600">{endpoint.description}</p>
                    ) : (
                      <p className="mt-0.5 text-sm italic text-slate-400">No description</p>
                    )}
                  </div>
                  {stats ? <EndpointHealthBadge health={stats.health} /> : <EndpointStatus status={endpoint.status} disabledReason={endpoint.disabledReason} signingBlockedAt={endpoint.signingBlockedAt} />}
                </div>
                <dl className="mt-4 grid gap-4 text-sm sm:grid-cols-[2fr_1fr_1fr]">
                  <div>
                    <dt className="text-slate-500">Events</dt>
                    <dd className="mt-1">
                      <EventList eventTypes={endpoint.eventTypes} />
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Last delivery</dt>
                    <dd className="mt-1 flex flex-wrap items-center gap-2">
                      {stats?.lastDeliveryAt ? (
                        <>
                          <RelativeTime value={stats.lastDeliveryAt} />
                          {stats.lastOutcome ? <OutcomeBadge outcome={stats.lastOutcome} /> : null}
                        </>
                      ) : (
                        <span className="text-slate-500">None yet</span>
                      )}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">Success, last 24 h</dt>
                    <dd className="mt-1">
                      <SuccessRate rate={stats?.successRate24h} />
                      {stats && stats.total24h > 0 ? (
                        <span className="ml-1 text-slate-500">({plural(stats.total24h, "delivery", "deliveries")})</span>
                      ) : null}
                    </dd>
                  </div>
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
