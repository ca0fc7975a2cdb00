import type { ReactNode } from "react";
import { cardClassName } from "./card";

export interface StatTileProps {
  label: string;
  value: ReactNode;
  /** A short line under the value; left out when empty. */
  detail?: ReactNode;
  /** Colour of the value; slate by default. */
  valueClassName?: string;
}

/** One number of a dashboard: label, value and an optional detail line, as a `dt` and `dd`s (put it inside a `<dl>`). */
export function StatTile({ label, value, detail, valueClassName }: StatTileProps) {
  return (
    <div className={cardClassName("sm")}>
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold tabular-nums tracking-tight ${valueClassName ?? "text-slate-900"}`}>{value}</dd>
      {detail ? <dd className="mt-1 text-xs text-slate-500">{detail}</dd> : null}
    </div>
  );
}
