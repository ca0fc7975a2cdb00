import type { ReactNode } from "react";

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  /** A button or link to the first step (e.g. "Add endpoint"). */
  action?: ReactNode;
  /** Replaces the default icon; pass null for none. */
  icon?: ReactNode;
  className?: string;
}

/** What a list shows when it has nothing in it yet: what would be here, and how to add the first one. */
export function EmptyState({ title, description, action, icon, className }: EmptyStateProps) {
  return (
    <div className={`rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center ${className ?? ""}`}>
      {icon === undefined ? (
        <svg className="mx-auto size-10 text-slate-400" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M3 7.5 12 3l9 4.5M3 7.5v9L12 21m-9-13.5L12 12m9-4.5v9L12 21m9-13.5L12 12m0 9v-9" />
        </svg>
      ) : (
        icon
      )}
      <h3 className="mt-3 text-sm font-semibold text-slate-900">{title}</h3>
      {description ? <div className="mx-auto mt-1 max-w-md text-sm text-slate-600">{description}</div> : null}
      {action ? <div className="mt-5 flex justify-center">{action}</div> : null}
    </div>
  );
}
