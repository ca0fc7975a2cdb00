import { StatusBadge } from "@/app/_components/badge";

/** "active" / "disabled" as a badge, with the reason next to a disabled one. */
export function EndpointStatus({ status, disabledReason }: { status: "active" | "disabled"; disabledReason: string | null }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <StatusBadge status={status} />
      {status === "disabled" && disabledReason ? <span className="text-sm text-slate-600">{disabledReason}</span> : null}
    </span>
  );
}

/** "All events" for an empty subscription list, otherwise the names. */
export function EventList({ eventTypes }: { eventTypes: string[] }) {
  if (eventTypes.length === 0) return <span className="text-sm text-slate-700">All events</span>;
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="Subscribed events">
      {eventTypes.map((name) => (
        <li key={name} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
          {name}
        </li>
      ))}
    </ul>
  );
}

/** The 24 h success rate, or a dash with an explanation when nothing finished. */
export function SuccessRate({ rate }: { rate: number | null | undefined }) {
  if (rate === null || rate === undefined) {
    return (
      <span className="text-slate-500" title="No deliveries finished in the last 24 hours">
        —
      </span>
    );
  }
  const tone = rate >= 95 ? "text-green-700" : rate >= 80 ? "text-amber-700" : "text-red-700";
  return <span className={`font-medium ${tone}`}>{`${Number.isInteger(rate) ? rate : rate.toFixed(1)} %`}</span>;
}
