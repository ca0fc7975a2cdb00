import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { Alert } from "@/app/_components/alert";
import { StatusBadge } from "@/app/_components/badge";
import { buttonClassName } from "@/app/_components/button";
import { EmptyState } from "@/app/_components/empty-state";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import type { OrgMembership } from "@/lib/auth/membership";
import { requireOrgViewer } from "@/lib/auth/page";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { WebhookValidationError } from "@/lib/webhooks/errors";
import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import { listDeliveries, type DeliverySummary } from "@/lib/webhooks/history";
import { urlHost } from "@/app/_components/format";
import { linkClass } from "@/app/_components/link-class";
import { RelativeTime } from "@/app/_components/relative-time";
import { cellClassName as td, DataTable } from "@/app/_components/data-table";
import { WebhooksSkeleton } from "../_components/webhooks-skeleton";
import { HistoryFilters } from "./_components/history-filters";
import { DEFAULT_PAGE_SIZE, hasFilters, historyHref, parseHistoryQuery, type SearchParams } from "./_components/query";

export const metadata: Metadata = { title: "Delivery history" };

type Page = { items: DeliverySummary[]; nextCursor: string | null };

/** Every delivery of the organization, newest first, filtered by the query string, in pages of 25. */
export default async function DeliveryHistoryPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<SearchParams> }) {
  const { organization } = await requireOrgViewer((await params).slug);
  const query = await searchParams;
  return (
    <Suspense key={JSON.stringify(query)} fallback={<WebhooksSkeleton variant="table" />}>
      <DeliveryHistory organization={organization} params={query} />
    </Suspense>
  );
}

async function DeliveryHistory({ organization, params }: { organization: OrgMembership; params: SearchParams }) {
  const base = orgPath(organization.slug);
  const historyPath = `${base}/history`;
  const endpoints = await listEndpoints({ organizationId: organization.id });
  const query = parseHistoryQuery(params, new Set(endpoints.map((endpoint) => endpoint.id)));
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;

  let page: Page = { items: [], nextCursor: null };
  let cursorError = query.cursorInvalid;
  if (!cursorError) {
    const load = (cursor: string | undefined) => listDeliveries({ organizationId: organization.id, ...query.filters, cursor, limit, maskUrls: !organization.canManage });
    try {
      page = await load(query.cursor);
    } catch (error) {
      // A hand-edited or truncated cursor: say so instead of failing the page.
      if (!query.cursor) throw error;
      // A cursor that decodes but holds an out-of-range time fails in the database, not in the decoder:
      // if the same query without it works, the cursor was the problem.
      if (!(error instanceof WebhookValidationError)) await load(undefined);
      cursorError = true;
    }
  }

  const newestHref = historyHref(historyPath, query.values, { limit: query.limit });
  const filterEndpoint = query.filters.endpointId ? endpoints.find((endpoint) => endpoint.id === query.filters.endpointId) : undefined;
  const eventTypes = [...new Set([...EVENT_CATALOGUE.map((definition) => definition.name), ...page.items.map((item) => item.event)])].sort();

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

      {cursorError ? (
        <Alert
          tone="error"
          title="This page link is not valid"
          actions={
            <Link href={newestHref} className={buttonClassName({ variant: "secondary", size: "sm" })}>
              Go to the newest deliveries
            </Link>
          }
        >
          The “Older” link it came from was changed or cut short. Start again from the newest deliveries.
        </Alert>
      ) : page.items.length === 0 ? (
        <EmptyState
          title={query.cursor ? "No older deliveries" : hasFilters(query.values) ? "No deliveries match these filters" : "No deliveries yet"}
          description={
            query.cursor
              ? "You have reached the end of the history."
              : hasFilters(query.values)
                ? "Try a wider date range or clear the filters."
                : "Deliveries appear here as soon as an event is sent to one of your endpoints. Send a test event from an endpoint’s page to see one."
          }
          action={
            query.cursor || hasFilters(query.values) ? (
              <Link href={query.cursor ? newestHref : historyPath} className={buttonClassName({ variant: "secondary" })}>
                {query.cursor ? "Newest" : "Show all deliveries"}
              </Link>
            ) : (
              <Link href={base} className={buttonClassName({ variant: "secondary" })}>
                Go to endpoints
              </Link>
            )
          }
        />
      ) : (
        <DataTable
          caption="Deliveries, newest first"
          className=""
          columns={[
            { label: "Event" },
            { label: "Endpoint" },
            { label: "Status" },
            { label: "Attempts", align: "right" },
            { label: "Created" },
            { label: "Delivered" },
            { label: "Next attempt" },
          ]}
        >
          {page.items.map((item) => (
            <tr key={item.id} className="hover:bg-slate-50">
              <td className={td}>
                <Link href={`${historyPath}/${item.id}`} className={`font-mono ${linkClass}`}>
                  {item.event}
                </Link>
                <div className="mt-0.5 max-w-56 truncate font-mono text-xs text-slate-500" title={item.idempotencyKey}>
                  {item.idempotencyKey}
                </div>
              </td>
              <td className={td}>
                <Link href={`${base}/${item.endpointId}`} title={item.endpointUrl} className="text-slate-700 hover:underline">
                  {urlHost(item.endpointUrl)}
                </Link>
              </td>
              <td className={td}>
                <StatusBadge status={item.status} />
                {item.status !== "delivered" && (item.lastStatusCode || item.lastError) ? (
                  <div className="mt-1 max-w-56 truncate text-xs text-slate-500" title={item.lastError ?? undefined}>
                    {item.lastStatusCode ? `HTTP ${item.lastStatusCode}` : item.lastError}
                  </div>
                ) : null}
              </td>
              <td className={`${td} text-right tabular-nums`}>{item.attempts}</td>
              <td className={`${td} whitespace-nowrap`}>
                <RelativeTime value={item.createdAt} />
              </td>
              <td className={`${td} whitespace-nowrap`}>
                <RelativeTime value={item.deliveredAt} />
              </td>
              <td className={`${td} whitespace-nowrap`}>
                <RelativeTime value={item.nextAttemptAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}

      {!cursorError && page.items.length > 0 && (query.cursor || page.nextCursor) ? (
        <nav aria-label="Pages" className="flex items-center justify-between gap-4">
          {query.cursor ? (
            <Link href={newestHref} className={buttonClassName({ variant: "secondary", size: "sm" })}>
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {page.nextCursor ? (
            <Link href={historyHref(historyPath, query.values, { cursor: page.nextCursor, limit: query.limit })} className={buttonClassName({ variant: "secondary", size: "sm" })}>
              Older →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
