import Link from "next/link";
import { DataCell, DataTable } from "@/app/_components/data-table";
import { DeliveryStateText } from "@/app/_components/delivery-state";
import { linkClass } from "@/app/_components/link-class";
import { RelativeTime } from "@/app/_components/relative-time";
import type { DeliverySummary } from "@/lib/webhooks/history";

export interface DeliveryTableProps {
  items: DeliverySummary[];
  /** The organization's history page: each event links to `${historyPath}/<id>`. */
  historyPath: string;
  /** The organization's webhooks page, to link each endpoint; omit on one endpoint's page (no Endpoint column). */
  endpointsPath?: string;
  /** The table's name: `caption` (screen readers only) or the id of a visible heading. */
  caption?: string;
  labelledBy?: string;
}

/**
 * Deliveries as rows — event and idempotency key, endpoint, state in words, created — for the
 * history page and an endpoint's Deliveries section alike; stacked on a phone.
 */
export function DeliveryTable({ items, historyPath, endpointsPath, caption, labelledBy }: DeliveryTableProps) {
  const columns = [{ label: "Event" }, ...(endpointsPath ? [{ label: "Endpoint" }] : []), { label: "Status" }, { label: "Created" }];
  return (
    <DataTable stacked caption={caption} labelledBy={labelledBy} className="" columns={columns}>
      {items.map((item) => (
        <tr key={item.id} className="hover:bg-slate-50">
          <DataCell header label="Event">
            <Link href={`${historyPath}/${item.id}`} className={`break-all font-mono ${linkClass}`}>
              {item.event}
            </Link>
            <div className="mt-0.5 max-w-56 truncate font-mono text-xs text-slate-500" title={item.idempotencyKey}>
              {item.idempotencyKey}
            </div>
          </DataCell>
          {endpointsPath ? (
            <DataCell label="Endpoint">
              {/* Host and path (members get the host only): two endpoints on one host stay apart. */}
              <Link href={`${endpointsPath}/${item.endpointId}`} title={item.endpointUrl} className="break-all text-slate-700 hover:underline">
                {item.endpointUrl.replace(/^https?:\/\//, "")}
              </Link>
            </DataCell>
          ) : null}
          <DataCell label="Status">
            <DeliveryStateText state={item.state} badge />
            {item.state.outcome === "retrying" && item.state.reason ? (
              <div className="mt-1 max-w-56 truncate text-xs text-slate-500" title={item.state.reason}>
                Last: {item.state.reason}
              </div>
            ) : null}
          </DataCell>
          <DataCell label="Created" className="whitespace-nowrap">
            <RelativeTime value={item.createdAt} />
          </DataCell>
        </tr>
      ))}
    </DataTable>
  );
}
