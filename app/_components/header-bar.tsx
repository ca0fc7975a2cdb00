import Link from "next/link";
import type { ReactNode } from "react";
import { SkipLink } from "./skip-link";

/** The product name as the header's first link (to `/`, or to the organization's webhooks in the app header). */
export const brandLinkClass =
  "rounded text-sm font-semibold uppercase tracking-wide text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2";

/**
 * The one-row header the pages outside an organization share (signed out, and the account's
 * own pages): skip link, the product name linking home, and `children` on the right. No
 * client code, so the client-side error pages can use it too.
 */
export function HeaderBar({ children }: { children: ReactNode }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <SkipLink />
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/" className={brandLinkClass}>
          Webhooks
        </Link>
        {children}
      </div>
    </header>
  );
}
