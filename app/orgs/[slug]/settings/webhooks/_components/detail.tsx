import Link from "next/link";
import type { ReactNode } from "react";

/** One labelled row of a detail list (`<dl>`): label left, value right on wide screens. */
export function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-3 sm:grid-cols-[12rem_1fr] sm:gap-4">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/** The "← back" breadcrumb above a detail page's header. */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm">
      <Link href={href} className="text-indigo-700 underline-offset-2 hover:underline">
        ← {children}
      </Link>
    </nav>
  );
}
