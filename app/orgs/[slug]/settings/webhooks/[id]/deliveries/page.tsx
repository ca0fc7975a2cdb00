import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/alert";
import { buttonClassName } from "@/app/_components/button";
import { OUTCOME_LABELS } from "@/app/_components/delivery-state";
import { EmptyState } from "@/app/_components/empty-state";
import { listDeliveries } from "@/lib/webhooks/history";
import { DELIVERY_STATUSES, historyFilterFields } from "@/lib/webhooks/history-filters";
import { TabNav } from "../../_components/tab-nav";
import { EndpointFrame, loadEndpointPage } from "../_components/endpoint-frame";
import { DeliveryTable } from "../../_components/delivery-table";

export const metadata: Metadata = { title: "Endpoint deliveries" };

/** How many deliveries the tab shows; the history page has the rest. */
const RECENT_DELIVERIES = 20;

/** An endpoint's Deliveries: its 20 most recent, each with its state in words, filtered by `?status=`. */
export default async function EndpointDeliveriesPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const page = await loadEndpointPage(params);
  const { organization, endpoint } = page;
  const requested = (await searchParams).status;
  const parsed = requested === undefined ? null : historyFilterFields.status.safeParse(requested);
  const status = parsed?.success ? parsed.data : undefined;
  const { items } = await listDeliveries({ organizationId: organization.id, endpointId: endpoint.id, status, limit: RECENT_DELIVERIES, maskUrls: !organization.canManage });
  const tabPath = `${page.path}/deliveries`;
  const historyQuery = new URLSearchParams({ endpointId: endpoint.id, ...(status ? { status } : {}) });

  return (
    <EndpointFrame page={page} tab="deliveries">
      <section aria-labelledby="endpoint-deliveries-heading" className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="endpoint-deliveries-heading" className="text-lg font-semibold text-slate-900">
              Recent deliveries
            </h2>
            <p className="text-sm text-slate-600">The latest {RECENT_DELIVERIES} to this endpoint, newest first. Open one to see its payload and every attempt.</p>
          </div>
          <Link href={`${page.base}/history?${historyQuery}`} className={buttonClassName({ variant: "secondary" })}>
            All deliveries of this endpoint
          </Link>
        </div>
        <TabNav
          label="Filter by status"
          current={status ?? "all"}
          tabs={[{ key: "all", href: tabPath, label: "All" }, ...DELIVERY_STATUSES.map((name) => ({ key: name, href: `${tabPath}?status=${name}`, label: OUTCOME_LABELS[name] }))]}
        />
        {parsed && !parsed.success ? (
          <Alert tone="warning" title="Unknown status ignored">
            Showing every status. Choose one of {DELIVERY_STATUSES.join(", ")}.
          </Alert>
        ) : null}
        {items.length === 0 ? (
          <EmptyState
            title={status ? `No ${OUTCOME_LABELS[status].toLowerCase()} deliveries` : "No deliveries yet"}
            description={status ? "None of this endpoint's deliveries has this status." : "Deliveries to this endpoint show here as soon as an event is sent to it."}
            action={
              status ? (
                <Link href={tabPath} className={buttonClassName({ variant: "secondary" })}>
                  Show every status
                </Link>
              ) : undefined
            }
          />
        ) : (
          <DeliveryTable items={items} historyPath={`${page.base}/history`} caption={`Recent deliveries to this endpoint${status ? `, ${OUTCOME_LABELS[status].toLowerCase()}` : ""}`} />
        )}
      </section>
    </EndpointFrame>
  );
}
