import Link from "next/link";
import type { OrgViewer } from "@/lib/auth/page";
import { Badge } from "./badge";
import { FlashNotice } from "./flash-notice";
import { brandLinkClass } from "./header-bar";
import { NavLinks } from "./nav-links";
import { OrgSwitcher } from "./org-switcher";
import { orgPath } from "./org-paths";
import { SignOutButton } from "./sign-out-button";
import { SkipLink } from "./skip-link";

export interface AppHeaderProps {
  /** From `requireOrgViewer(slug)`. */
  viewer: Pick<OrgViewer, "email" | "name" | "organization">;
}

/**
 * The signed-in header of every organization page: product name, organization
 * switcher with the viewer's role, the viewer's email, a link to their account
 * security (two-factor, sessions), Sign out, and the main
 * navigation (under the organization's slug). Under it, the place where short
 * confirmations ("Endpoint … deleted.") appear. A server component; only the
 * switcher, the nav (current page), the notices and Sign out run in the browser.
 */
export function AppHeader({ viewer }: AppHeaderProps) {
  const { organization } = viewer;
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <SkipLink />
        <div className="mx-auto max-w-6xl px-4 sm:px-6">
          <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 pt-3">
            <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
              <Link href={orgPath(organization.slug)} className={brandLinkClass}>
                Webhooks
              </Link>
              <span className="text-slate-300" aria-hidden="true">
                /
              </span>
              <OrgSwitcher organizationId={organization.id} organizationName={organization.name} />
              <Badge tone="indigo" className="capitalize" title="Your role in this organization">
                {organization.role}
              </Badge>
            </div>
            <div className="flex min-w-0 items-center gap-2">
              <span className="truncate text-sm text-slate-600" title={viewer.name}>
                {viewer.email}
              </span>
              <Link
                href="/account/security"
                className="rounded px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
              >
                Security
              </Link>
              <SignOutButton />
            </div>
          </div>
          <nav aria-label="Main" className="mt-1">
            <NavLinks slug={organization.slug} />
          </nav>
        </div>
      </header>
      <FlashNotice />
    </>
  );
}
