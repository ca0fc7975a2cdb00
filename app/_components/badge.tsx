import type { ReactNode } from "react";

export type BadgeTone = "green" | "gray" | "amber" | "red" | "indigo";

const TONES: Record<BadgeTone, { box: string; dot: string }> = {
  green: { box: "bg-green-50 text-green-800 ring-green-600/20", dot: "bg-green-500" },
  gray: { box: "bg-slate-100 text-slate-700 ring-slate-500/20", dot: "bg-slate-400" },
  amber: { box: "bg-amber-50 text-amber-800 ring-amber-600/20", dot: "bg-amber-500" },
  red: { box: "bg-red-50 text-red-800 ring-red-600/20", dot: "bg-red-500" },
  indigo: { box: "bg-indigo-50 text-indigo-800 ring-indigo-600/20", dot: "bg-indigo-500" },
};

export interface BadgeProps {
  tone?: BadgeTone;
  children: ReactNode;
  /** A coloured dot before the text. */
  dot?: boolean;
  title?: string;
  className?: string;
  /** Let a long text wrap on a narrow screen instead of keeping to one line. */
  wrap?: boolean;
}

/** A small pill. The text carries the meaning; colour only reinforces it. */
export function Badge({ tone = "gray", children, dot = false, title, className, wrap = false }: BadgeProps) {
  const style = TONES[tone];
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1.5 ${wrap ? "whitespace-normal" : "whitespace-nowrap"} rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.box} ${className ?? ""}`}
    >
      {dot ? <span className={`size-1.5 rounded-full ${style.dot}`} aria-hidden="true" /> : null}
      {children}
    </span>
  );
}

/** Colours of the statuses the app shows (endpoints, deliveries, keys, invitations). */
export const STATUS_TONES: Record<string, BadgeTone> = {
  active: "green",
  delivered: "green",
  accepted: "green",
  success: "green",
  disabled: "gray",
  cancelled: "gray",
  canceled: "gray",
  expired: "gray",
  pending: "amber",
  retrying: "amber",
  failed: "red",
  revoked: "red",
  rejected: "red",
};

export interface StatusBadgeProps {
  /** e.g. "active", "disabled", "pending", "delivered", "failed", "cancelled", "revoked", "expired". */
  status: string;
  /** Text to show instead of the status itself. */
  label?: ReactNode;
  title?: string;
  className?: string;
}

/**
 * A status as a badge: active/delivered green, pending amber, failed/revoked
 * red, disabled/cancelled/expired gray (unknown statuses are gray). The text
 * is the status word (capitalised by CSS only, so the DOM text stays e.g. "delivered").
 */
export function StatusBadge({ status, label, title, className }: StatusBadgeProps) {
  return (
    <Badge tone={STATUS_TONES[status] ?? "gray"} dot title={title} className={`capitalize ${className ?? ""}`}>
      {label ?? status}
    </Badge>
  );
}
