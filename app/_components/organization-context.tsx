"use client";

import Link from "next/link";
import { createContext, useCallback, useContext, type ComponentProps, type ReactNode } from "react";
import type { OrgMembership } from "@/lib/auth/membership";
import { apiFetch, type ApiFetchOptions } from "./api";
import { orgPath } from "./org-paths";

const OrganizationContext = createContext<OrgMembership | null>(null);

/** Given by the /orgs/[slug] layout: the organization this page shows, with the viewer's role in it. */
export function OrganizationProvider({ organization, children }: { organization: OrgMembership; children: ReactNode }) {
  return <OrganizationContext.Provider value={organization}>{children}</OrganizationContext.Provider>;
}

/** The organization the current page shows. Throws outside an organization page. */
export function useOrganization(): OrgMembership {
  const organization = useContext(OrganizationContext);
  if (!organization) throw new Error("useOrganization() is only available on organization pages (app/orgs/[slug])");
  return organization;
}

/**
 * `apiFetch` bound to the page's organization: every call carries
 * `X-Organization-Id`, so it acts in the organization this tab shows even if
 * another tab switched to a different one.
 */
export function useApiFetch(): <T>(path: string, options?: ApiFetchOptions) => Promise<T> {
  const { id } = useOrganization();
  return useCallback(<T,>(path: string, options: ApiFetchOptions = {}) => apiFetch<T>(path, { ...options, organizationId: id }), [id]);
}

/** A link to another page of the current organization: `path` is what follows `/orgs/<slug>`. */
export function OrgLink({ path, ...props }: Omit<ComponentProps<typeof Link>, "href"> & { path: string }) {
  const { slug } = useOrganization();
  return <Link href={orgPath(slug, path)} {...props} />;
}
