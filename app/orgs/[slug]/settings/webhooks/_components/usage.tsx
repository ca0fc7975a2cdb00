import { Alert } from "@/app/_components/alert";
import type { OrganizationUsage } from "@/lib/limits/usage";
import { formatCount, plural } from "@/app/_components/format";

/**
 * The organization's quotas as numbers (endpoints of the cap, attempts in flight),
 * and a notice for each cap that is reached, saying what happens and what to do.
 */
export function UsageSummary({ usage, canManage }: { usage: OrganizationUsage; canManage: boolean }) {
  const { endpoints, inFlight, waiting } = usage;
  return (
    <div className="space-y-3">
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-600" aria-label="Usage">
        <div className="flex gap-1">
          <dt>Endpoints:</dt>
          <dd className="font-medium tabular-nums text-slate-900">
            {formatCount(endpoints.count)} of {formatCount(endpoints.limit)}
          </dd>
        </div>
        <div className="flex gap-1">
          <dt>Attempts in flight:</dt>
          <dd className="font-medium tabular-nums text-slate-900">
            {formatCount(inFlight.count)}
            {inFlight.limit !== null ? ` of ${formatCount(inFlight.limit)}` : ""}
          </dd>
        </div>
      </dl>
      {endpoints.reached ? (
        <Alert tone="warning" title={`Endpoint limit reached: ${formatCount(endpoints.count)} of ${formatCount(endpoints.limit)}`}>
          {canManage ? "Delete an endpoint you no longer need to add another. " : ""}The limit is set for this installation by its operator.
        </Alert>
      ) : null}
      {inFlight.reached ? (
        <Alert tone="info" title={`At the in-flight limit: ${formatCount(inFlight.count)} of ${formatCount(inFlight.limit ?? 0)} attempts`}>
          {waiting > 0 ? `${plural(waiting, "delivery is", "deliveries are")} due and wait for an attempt to finish. ` : ""}Nothing is
          lost: each waiting delivery is attempted as soon as a slot frees up.
        </Alert>
      ) : null}
    </div>
  );
}
