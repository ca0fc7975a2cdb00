import type { OrganizationResource } from "@/lib/organizations/resource-owner";
import { orgPath, pathInOrg } from "./org-paths";

/** The pages that show one organization's resource, by the id's prefix. */
const RESOURCE_PAGES = [
  { pattern: /^\/settings\/webhooks\/(ep_[A-Za-z0-9_-]+)$/, kind: "endpoint" },
  { pattern: /^\/settings\/webhooks\/history\/(msg_[A-Za-z0-9_-]+)$/, kind: "delivery" },
] as const;

/** A page path with the resource it shows: the resource and the part of the path after `/orgs/<slug>`. */
export interface ResourcePage {
  resource: OrganizationResource;
  /** "/settings/webhooks/ep_…", to put under another organization's slug. */
  rest: string;
}

/**
 * The endpoint or delivery an organization page's path shows (`/orgs/<slug>/settings/webhooks/ep_…`,
 * `/orgs/<slug>/settings/webhooks/history/msg_…`; a query is ignored); null for any other path.
 */
export function resourcePage(pathAndQuery: string): ResourcePage | null {
  const pathname = pathAndQuery.split(/[?#]/, 1)[0] ?? "";
  const rest = pathInOrg(pathname);
  if (rest === null) return null;
  for (const { pattern, kind } of RESOURCE_PAGES) {
    const match = pattern.exec(rest);
    if (match) return { resource: { kind, id: match[1]! }, rest };
  }
  return null;
}

/** The same resource page under organization `slug`. */
export function resourcePageIn(page: ResourcePage, slug: string): string {
  return orgPath(slug, page.rest);
}
