import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { canManage, getViewer, type Viewer } from "@/lib/auth/session";

export type OrgViewer = Viewer & { organizationId: string; organizationName: string; role: NonNullable<Viewer["role"]>; canManage: boolean };

/** For server components: the signed-in viewer with an active organization, or a redirect to sign in / onboarding. */
export async function requireOrgViewer(): Promise<OrgViewer> {
  const viewer = await getViewer(await headers());
  if (!viewer) redirect("/sign-in");
  if (!viewer.organizationId || !viewer.role || !viewer.organizationName) redirect("/onboarding");
  return {
    ...viewer,
    organizationId: viewer.organizationId,
    organizationName: viewer.organizationName,
    role: viewer.role,
    canManage: canManage(viewer.role),
  };
}

/** For server components that only need someone signed in (onboarding, invitations). */
export async function requireViewer(): Promise<Viewer> {
  const viewer = await getViewer(await headers());
  if (!viewer) redirect("/sign-in");
  return viewer;
}
