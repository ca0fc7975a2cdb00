import { formatCount, formatPercent } from "@/app/_components/format";
import { PERIOD_LABELS } from "@/app/_components/dashboard-text";
import { DataCell, DataTable } from "@/app/_components/data-table";
import { BUSIEST_ORGANIZATIONS_LIMIT, type MetricsPeriod, type OrganizationTotals } from "@/lib/webhooks/metrics";

/** The per-organization table of /ops. */
export function OrganizationTable({ rows, period }: { rows: OrganizationTotals[]; period: MetricsPeriod }) {
  return (
    <section aria-labelledby="ops-organizations-heading" className="space-y-3">
      <div>
        <h2 id="ops-organizations-heading" className="text-lg font-semibold text-slate-900">
          Organizations
        </h2>
        <p className="text-sm text-slate-600">
          The {BUSIEST_ORGANIZATIONS_LIMIT} busiest organizations in {PERIOD_LABELS[period].long}. Success rate is delivered of all created in the
          period; pending counts everything waiting now.
        </p>
      </div>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">
          No organization sent webhooks in {PERIOD_LABELS[period].long}.
        </p>
      ) : (
        <DataTable
          labelledBy="ops-organizations-heading"
          className=""
          stacked
          columns={[
            { label: "Organization" },
            { label: "Deliveries", align: "right" },
            { label: "Success rate", align: "right" },
            { label: "Failed", align: "right" },
            { label: "Pending now", align: "right" },
          ]}
        >
          {rows.map((row) => (
            <tr key={row.id}>
              <DataCell header label="Organization" className="text-slate-900">
                {row.name}
                <span className="block break-all font-mono text-xs font-normal text-slate-500">{row.id}</span>
              </DataCell>
              <DataCell label="Deliveries" className="text-right tabular-nums">
                {formatCount(row.total)}
              </DataCell>
              <DataCell label="Success rate" className="text-right tabular-nums">
                {row.successRate === null ? <span className="text-slate-500">—</span> : formatPercent(row.successRate)}
              </DataCell>
              <DataCell label="Failed" className={`text-right tabular-nums ${row.failed > 0 ? "font-medium text-red-700" : ""}`}>
                {formatCount(row.failed)}
              </DataCell>
              <DataCell label="Pending now" className="text-right tabular-nums">
                {formatCount(row.pending)}
              </DataCell>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
