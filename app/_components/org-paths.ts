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

/** An organization's sections (the main navigation), as paths after `/orgs/<slug>`. */
export const ORG_SECTIONS = [
  { path: "/settings/webhooks", label: "Webhooks" },
  { path: "/settings/webhooks/history", label: "History" },
  { path: "/settings/api-keys", label: "API keys" },
  { path: "/settings/members", label: "Members" },
  { path: "/settings/audit-log", label: "Audit log" },
] as const;

/** Pages every organization has; any other (a detail page, whose id belongs to one organization) has no twin elsewhere. */
const SHARED_PAGES: ReadonlySet<string> = new Set([...ORG_SECTIONS.map((section) => section.path), "/settings/webhooks/new", "/settings/webhooks/health"]);

/** The page at `pathname` in organization `slug` (what the switcher opens): the same page when every organization has it, else its webhooks list. */
export function switchPath(pathname: string, slug: string): string {
  const rest = pathInOrg(pathname);
  return orgPath(slug, rest !== null && SHARED_PAGES.has(rest) ? rest : undefined);
}
