/**
 * Organization pages live under the organization's slug (`/orgs/acme/settings/webhooks`),
 * like GitHub's and Vercel's: the URL, not the session, says which organization a tab shows.
 */
export function orgPath(slug: string, path = "/settings/webhooks"): string {
  return `/orgs/${encodeURIComponent(slug)}${path}`;
}

/** The part of an organization page's path after `/orgs/<slug>` ("/settings/webhooks/ep_…"), or null for any other path. */
export function pathInOrg(pathname: string): string | null {
  const match = /^\/orgs\/[^/]+(\/.*)?$/.exec(pathname);
  return match ? (match[1] ?? "") : null;
}
