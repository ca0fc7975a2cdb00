import Link from "next/link";
import type { Viewer } from "@/lib/auth/session";
import { SignOutButton } from "./sign-out-button";
import { SkipLink } from "./skip-link";

/** The header of the signed-in pages that belong to the account, not to one organization (/account/…). */
export function AccountHeader({ viewer }: { viewer: Pick<Viewer, "email" | "name"> }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <SkipLink />
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link
          href="/"
          className="rounded text-sm font-semibold uppercase tracking-wide text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2"
        >
          Webhooks
        </Link>
        <div className="flex min-w-0 items-center gap-2">
          <span className="truncate text-sm text-slate-600" title={viewer.name}>
            {viewer.email}
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
