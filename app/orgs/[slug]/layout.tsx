import type { ReactNode } from "react";
import { AppHeader } from "@/app/_components/app-header";
import { OrganizationProvider } from "@/app/_components/organization-context";
import { rememberOrganization } from "@/lib/auth/membership";
import { requireOrgViewer } from "@/lib/auth/page";

/**
 * Every page under /orgs/[slug] is for a signed-in member of the organization
 * with that slug: others go to /sign-in (and come back) or get a 404. Gives the
 * organization to client components (and with it `X-Organization-Id` to every
 * API call) and records it as the one the viewer used last. Pages call
 * requireOrgViewer(slug) themselves to scope their queries (a layout is not
 * re-run on every navigation); both share one lookup.
 */
export default async function OrganizationLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const viewer = await requireOrgViewer((await params).slug);
  await rememberOrganization(viewer.userId, viewer.organization.id);
  return (
    <OrganizationProvider organization={viewer.organization}>
      <AppHeader viewer={viewer} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
        {children}
      </main>
    </OrganizationProvider>
  );
}
