import { getAuth, MANAGER_ROLES, type OrgRole } from "@/lib/auth/server";

/**
 * Who is signed in. Deliberately without an organization: a user may have
 * several organizations open in several tabs, so each page and each request
 * names its own (the URL's slug, the `X-Organization-Id` header); see
 * lib/auth/membership.ts.
 */
export interface Viewer {
  userId: string;
  email: string;
  name: string;
  /** True once the mailed verification link was opened; accepting invitations needs it. */
  emailVerified: boolean;
}

/** Who is signed in, from the session cookie in `headers`; null when nobody is (or the session expired). */
export async function getViewer(headers: Headers): Promise<Viewer | null> {
  const result = await getAuth().api.getSession({ headers });
  if (!result) return null;
  return { userId: result.user.id, email: result.user.email, name: result.user.name, emailVerified: result.user.emailVerified === true };
}

export function canManage(role: OrgRole | null): boolean {
  return role !== null && (MANAGER_ROLES as readonly string[]).includes(role);
}
