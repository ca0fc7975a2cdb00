import "server-only";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { orgPath } from "@/app/_components/org-paths";
import { safeNextPath, withNext } from "@/app/_components/safe-next";
import { findMembership, homeOrganization, type OrgMembership } from "@/lib/auth/membership";
import { getViewer, type Viewer } from "@/lib/auth/session";
import { ACCOUNT_SECURITY_PATH, ownerMissingTwoFactor } from "@/lib/auth/two-factor-policy";
import { PAGE_PATH_HEADER } from "@/lib/http/headers";

/** The signed-in viewer and the organization the page's URL names, with the viewer's role in it. */
export type OrgViewer = Viewer & { organization: OrgMembership };

/**
 * For server components that need someone signed in. Nobody (or an expired
 * session): a redirect to /sign-in with `next` set to the page asked for, so
 * signing in comes back to it. Once per request.
 */
export const requireViewer = cache(async (): Promise<Viewer> => {
  const requestHeaders = await headers();
  const viewer = await getViewer(requestHeaders);
  if (!viewer) redirect(withNext("/sign-in", safeNextPath(requestHeaders.get(PAGE_PATH_HEADER))));
  return viewer;
});

/**
 * For the pages under /orgs/[slug]: the signed-in viewer and the organization
 * with that slug, from the member table. A slug the viewer is not a member of
 * and one that does not exist both give notFound(), so slugs cannot be
 * probed. An owner without two-factor authentication of an organization that
 * requires it is sent to /account/security. Pages scope every query by
 * `organization.id`, never by the session.
 * The layout and the page share one lookup per request.
 */
export const requireOrgViewer = cache(async (slug: string): Promise<OrgViewer> => {
  const viewer = await requireViewer();
  const organization = await findMembership(viewer.userId, { slug });
  if (!organization) notFound();
  // An owner of an organization that requires two-factor sets it up before seeing its pages.
  if (await ownerMissingTwoFactor(viewer.userId, organization)) redirect(`${ACCOUNT_SECURITY_PATH}?required=${encodeURIComponent(organization.slug)}`);
  return { ...viewer, organization };
});

/** Where a signed-in user lands: the webhooks of the organization they used last, or onboarding when they have none. */
export async function homePath(userId: string): Promise<string> {
  const home = await homeOrganization(userId);
  return home ? orgPath(home.slug) : "/onboarding";
}
