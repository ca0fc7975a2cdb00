import Link from "next/link";
import { HeaderBar } from "./header-bar";

const navLinkClass =
  "rounded px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600";

/**
 * The header of a page seen signed out (the landing page, the docs, a 404): product name,
 * the docs, and Sign in / Sign up. `authLinks={false}` for pages that cannot tell whether
 * anyone is signed in (the client-side error pages). Has no client code, so error pages
 * (client components) can use it too.
 */
export function PublicHeader({ authLinks = true }: { authLinks?: boolean }) {
  return (
    <HeaderBar>
      <nav aria-label="Main" className="flex flex-wrap items-center gap-2">
        <Link href="/docs/webhooks" className={navLinkClass}>
          Docs
        </Link>
        {authLinks ? (
          <>
            <Link href="/sign-in" className={navLinkClass}>
              Sign in
            </Link>
            <Link
              href="/sign-up"
              className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2"
            >
              Sign up
            </Link>
          </>
        ) : null}
      </nav>
    </HeaderBar>
  );
}
