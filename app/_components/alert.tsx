import type { ReactNode } from "react";

export type AlertTone = "info" | "success" | "warning" | "error";

const TONES: Record<AlertTone, { box: string; icon: string; path: string }> = {
  info: {
    box: "border-sky-200 bg-sky-50 text-sky-900",
    icon: "text-sky-600",
    path: "M12 8h.01M11 12h1v4h1m-1 5a9 9 0 1 1 0-18 9 9 0 0 1 0 18z",
  },
  success: {
    box: "border-green-200 bg-green-50 text-green-900",
    icon: "text-green-600",
    path: "m9 12 2 2 4-4m6 2a9 9 0 1 1-18 0 9 9 0 0 1 18 0z",
  },
  warning: {
    box: "border-amber-200 bg-amber-50 text-amber-900",
    icon: "text-amber-600",
    path: "M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z",
  },
  error: {
    box: "border-red-200 bg-red-50 text-red-900",
    icon: "text-red-600",
    path: "M12 8v4m0 4h.01M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z",
  },
};

export interface AlertProps {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
  id?: string;
  /** Extra controls (a retry button, a link) shown under the text. */
  actions?: ReactNode;
}

/**
 * A banner. Errors use role="alert" (announced at once); the other tones use
 * role="status" (announced politely). Render it only when there is something
 * to say, so screen readers announce it when it appears.
 */
export function Alert({ tone = "info", title, children, className, id, actions }: AlertProps) {
  const style = TONES[tone];
  return (
    <div id={id} role={tone === "error" ? "alert" : "status"} className={`flex gap-3 rounded-md border p-3 text-sm ${style.box} ${className ?? ""}`}>
      <svg className={`mt-0.5 size-5 shrink-0 ${style.icon}`} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d={style.path} />
      </svg>
      <div className="min-w-0 flex-1">
        {title ? <p className="font-semibold">{title}</p> : null}
        {children ? <div className={title ? "mt-1" : undefined}>{children}</div> : null}
        {actions ? <div className="mt-3 flex flex-wrap gap-2">{actions}</div> : null}
      </div>
    </div>
  );
}
