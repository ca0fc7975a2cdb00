import "server-only";
import { prisma } from "@/lib/db";
import { METRICS_PERIODS, type MetricsPeriod } from "@/lib/webhooks/metrics";
import { formatPercent, PERIOD_LABELS } from "@/app/orgs/[slug]/settings/webhooks/_components/dashboard";
import { formatCount } from "@/app/orgs/[slug]/settings/webhooks/_components/format";

/** How many organizations the ops table lists. */
export const ORGANIZATION_TABLE_LIMIT = 20;

export interface OrganizationTotals {
  id: string;
  name: string;
  /** Deliveries created in the period, and of those, delivered / failed for good. */
  total: number;
  delivered: number;
  failed: number;
  /** Deliveries waiting right now, whatever their age (like the backlog tile). */
  pending: number;
  /** Delivered of `total`, in percent (2 decimals); null when `total` is 0. */
  successRate: number | null;
}

/**
 * The organizations with the most deliveries in the period, in one SQL
 * aggregate over WebhookDelivery joined to Organization (no delivery row is
 * loaded). Organizations whose only deliveries are old pending ones are
 * included too (total 0), so a stuck backlog is never hidden.
 */
export async function loadOrganizationTotals(options: { period: MetricsPeriod; now?: Date; limit?: number }): Promise<OrganizationTotals[]> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - METRICS_PERIODS[options.period] * 1000);
  const rows = await prisma.$queryRawUnsafe<{ id: string; name: string; total: number; delivered: number; failed: number; pending: number }[]>(
    `WITH d AS (
       SELECT "organizationId", "status",
              ("createdAt" >= $1::timestamp(3) AND "createdAt" <= $2::timestamp(3)) AS "inPeriod"
         FROM "WebhookDelivery"
        WHERE ("createdAt" >= $1::timestamp(3) AND "createdAt" <= $2::timestamp(3)) OR "status" = 'pending'
     )
     SELECT o."id" AS "id", o."name" AS "name",
            count(*) FILTER (WHERE d."inPeriod")::int AS "total",
            count(*) FILTER (WHERE d."inPeriod" AND d."status" = 'delivered')::int AS "delivered",
            count(*) FILTER (WHERE d."inPeriod" AND d."status" = 'failed')::int AS "failed",
            count(*) FILTER (WHERE d."status" = 'pending')::int AS "pending"
       FROM d
       JOIN "Organization" o ON o."id" = d."organizationId"
      GROUP BY o."id", o."name"
      ORDER BY "total" DESC, "pending" DESC, o."name" ASC
      LIMIT $3`,
    since.toISOString(),
    now.toISOString(),
    options.limit ?? ORGANIZATION_TABLE_LIMIT,
  );
  return rows.map((row) => {
    const total = Number(row.total);
    const delivered = Number(row.delivered);
    return {
      id: String(row.id),
      name: String(row.name),
      total,
      delivered,
      failed: Number(row.failed),
      pending: Number(row.pending),
      successRate: total === 0 ? null : Math.round((delivered / total) * 10_000) / 100,
    };
  });
}

/** The per-organization table of /ops. */
export function OrganizationTable({ rows, period }: { rows: OrganizationTotals[]; period: MetricsPeriod }) {
  return (
    <section aria-labelledby="ops-organizations-heading" className="space-y-3">
      <div>
        <h2 id="ops-organizations-heading" className="text-lg font-semibold text-slate-900">
          Organizations
        </h2>
        <p className="text-sm text-slate-600">
          The {ORGANIZATION_TABLE_LIMIT} busiest organizations in {PERIOD_LABELS[period].long}. Success rate is delivered of all created in the
          period; pending counts everything waiting now.
        </p>
      </div>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">
          No organization sent webhooks in {PERIOD_LABELS[period].long}.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm" aria-labelledby="ops-organizations-heading">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Organization
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Deliveries
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Success rate
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Failed
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Pending now
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => (
                <tr key={row.id}>
                  <th scope="row" className="px-4 py-2 font-medium text-slate-900">
                    {row.name}
                    <span className="block font-mono text-xs font-normal text-slate-500">{row.id}</span>
                  </th>
                  <td className="px-4 py-2 text-right tabular-nums">{formatCount(row.total)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">
                    {row.successRate === null ? <span className="text-slate-400">—</span> : formatPercent(row.successRate)}
                  </td>
                  <td className={`px-4 py-2 text-right tabular-nums ${row.failed > 0 ? "font-medium text-red-700" : ""}`}>{formatCount(row.failed)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatCount(row.pending)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
