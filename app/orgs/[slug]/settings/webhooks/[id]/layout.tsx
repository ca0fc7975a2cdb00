import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requireOrgViewer } from "@/lib/auth/page";
import { isOrganizationResource } from "@/lib/organizations/resource-owner";

/**
 * Answers an id that is not one of this organization's endpoints with a real 404 (status and
 * page) before the page's loading placeholder starts streaming, which would send a 200 first.
 */
export default async function EndpointLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { organization } = await requireOrgViewer(slug);
  if (!(await isOrganizationResource(organization.id, { kind: "endpoint", id }))) notFound();
  return children;
}
