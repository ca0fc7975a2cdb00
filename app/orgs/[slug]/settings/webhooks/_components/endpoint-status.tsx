import { Badge, StatusBadge } from "@/app/_components/badge";

/**
 * "active" / "disabled" as a badge, with the reason next to a disabled one. An active endpoint
 * whose signing secret no configured key opens (`signingBlockedAt`) reads "Cannot sign: encryption key missing".
 */
export function EndpointStatus({
  status,
  disabledReason,
  signingBlockedAt = null,
}: {
  status: "active" | "disabled";
  disabledReason: string | null;
  signingBlockedAt?: Date | null;
}) {
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      {status === "active" && signingBlockedAt ? (
        <Badge tone="red" dot title="No configured encryption key opens this endpoint's signing secret. Deliveries are held, not lost, until the key is restored.">
          Cannot sign: encryption key missing
        </Badge>
      ) : (
        <StatusBadge status={status} />
      )}
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

/** The 24 h success rate (delivered, of attempted), or a dash with an explanation when nothing was attempted. */
export function SuccessRate({ rate }: { rate: number | null | undefined }) {
  if (rate === null || rate === undefined) {
    return (
      <span className="text-slate-500" title="No deliveries attempted in the last 24 hours">
        —
      </span>
    );
  }
  const tone = rate >= 95 ? "text-green-700" : rate >= 80 ? "text-amber-700" : "text-red-700";
  return <span className={`font-medium ${tone}`}>{`${Number.isInteger(rate) ? rate : rate.toFixed(1)} %`}</span>;
}
