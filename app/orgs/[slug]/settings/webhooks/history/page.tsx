import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { Alert } from "@/app/_components/alert";
import { buttonClassName } from "@/app/_components/button";
import { EmptyState } from "@/app/_components/empty-state";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import type { OrgMembership } from "@/lib/auth/membership";
import { requireOrgViewer } from "@/lib/auth/page";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { eventTypeSuggestions, listDeliveries, type DeliveryPage } from "@/lib/webhooks/history";
import { formatCount, urlHost } from "@/app/_components/format";
import { WebhooksSkeleton } from "../_components/webhooks-skeleton";
import { HistoryFilters } from "./_components/history-filters";
import { DEFAULT_PAGE_SIZE, hasFilters, historyHref, parseHistoryQuery, type SearchParams } from "./_components/query";
import { DeliveryTable } from "../_components/delivery-table";

export const metadata: Metadata = { title: "Delivery history" };

/** Every delivery of the organization, newest first, filtered by the query string, in pages of 25 both ways. */
export default async function DeliveryHistoryPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<SearchParams> }) {
  const { organization } = await requireOrgViewer((await params).slug);
  const query = await searchParams;
  return (
    <Suspense key={JSON.stringify(query)} fallback={<WebhooksSkeleton variant="table" />}>
      <DeliveryHistory organization={organization} params={query} />
    </Suspense>
  );
}

/** "1,234 deliveries", "10,000+ deliveries", "1 delivery". */
function countText(page: Pick<DeliveryPage, "count" | "countCapped">): string {
  if (page.countCapped) return `${formatCount(page.count)}+ deliveries`;
  return `${formatCount(page.count)} ${page.count === 1 ? "delivery" : "deliveries"}`;
}

async function DeliveryHistory({ organization, params }: { organization: OrgMembership; params: SearchParams }) {
  const base = orgPath(organization.slug);
  const historyPath = `${base}/history`;
  const [endpoints, eventTypes] = await Promise.all([listEndpoints({ organizationId: organization.id }), eventTypeSuggestions({ organizationId: organization.id })]);
  const query = parseHistoryQuery(params, new Set(endpoints.map((endpoint) => endpoint.id)));
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  // A cursor that is not one of ours (edited or cut short) gets an explanation instead of a page.
  const page: DeliveryPage | null = query.cursorInvalid
    ? null
    : await listDeliveries({ organizationId: organization.id, ...query.filters, cursor: query.cursor, limit, maskUrls: !organization.canManage });

  const pageHref = (cursor?: string | null) => historyHref(historyPath, query.values, { cursor, limit: query.limit });
  const newestHref = pageHref();
  const paging = query.cursor?.direction;
  const filterEndpoint = query.filters.endpointId ? endpoints.find((endpoint) => endpoint.id === query.filters.endpointId) : undefined;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Delivery history"
        description={
          filterEndpoint ? (
            <>
              Deliveries to <span className="font-medium text-slate-800">{urlHost(filterEndpoint.url)}</span>, newest first. Open one to
              see its payload and every attempt.
            </>
          ) : (
            "Every event sent to your endpoints, newest first. Open one to see its payload and every attempt."
          )
        }
        actions={
          <Link href={base} className={buttonClassName({ variant: "secondary" })}>
            Endpoints
          </Link>
        }
      />

      <HistoryFilters
        key={JSON.stringify(query.values)}
        action={historyPath}
        values={query.values}
        eventTypes={eventTypes}
        endpoints={endpoints.map((endpoint) => ({
          id: endpoint.id,
          label: endpoint.description ? `${urlHost(endpoint.url)} — ${endpoint.description}` : urlHost(endpoint.url),
        }))}
      />

      {query.warnings.length > 0 ? (
        <Alert tone="warning" title="Some filters were ignored">
          <ul className="list-disc pl-5">
            {query.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </Alert>
      ) : null}

      {page === null ? (
        <Alert
          tone="error"
          title="This page link is not valid"
          actions={
            <Link href={newestHref} className={buttonClassName({ variant: "secondary", size: "sm" })}>
              Go to the newest deliveries
            </Link>
          }
        >
          The “Older” or “Newer” link it came from was changed or cut short. Start again from the newest deliveries.
        </Alert>
      ) : page.items.length === 0 ? (
        <EmptyState
          title={paging ? `No ${paging} deliveries` : hasFilters(query.values) ? "No deliveries match these filters" : "No deliveries yet"}
          description={
            paging
              ? paging === "older"
                ? "You have reached the end of the history."
                : "You are at the newest deliveries."
              : hasFilters(query.values)
                ? "Try a wider date range or clear the filters."
                : "Deliveries appear here as soon as an event is sent to one of your endpoints. Send a test event from an endpoint’s page to see one."
          }
          action={
            paging || hasFilters(query.values) ? (
              <Link href={paging ? newestHref : historyPath} className={buttonClassName({ variant: "secondary" })}>
                {paging ? "Newest" : "Show all deliveries"}
              </Link>
            ) : (
              <Link href={base} className={buttonClassName({ variant: "secondary" })}>
                Go to endpoints
              </Link>
            )
          }
        />
      ) : (
        <div className="space-y-2">
          <p id="deliveries-count" className="text-sm text-slate-600">
            <span className="font-medium text-slate-900">{countText(page)}</span>
            {hasFilters(query.values) ? (page.count === 1 && !page.countCapped ? " matches these filters" : " match these filters") : null}, newest first
          </p>
          <DeliveryTable items={page.items} historyPath={historyPath} endpointsPath={base} labelledBy="deliveries-count" />
        </div>
      )}

      {page && page.items.length > 0 && (page.prevCursor || page.nextCursor) ? (
        <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-2">
          <div className="flex flex-wrap gap-2">
            {page.prevCursor ? (
              <Link href={newestHref} className={buttonClassName({ variant: "ghost", size: "sm" })}>
                Newest
              </Link>
            ) : null}
            {page.prevCursor ? (
              <Link href={pageHref(page.prevCursor)} rel="prev" className={buttonClassName({ variant: "secondary", size: "sm" })}>
                ← Newer
              </Link>
            ) : null}
          </div>
          {page.nextCursor ? (
            <Link href={pageHref(page.nextCursor)} rel="next" className={buttonClassName({ variant: "secondary", size: "sm" })}>
              Older →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
