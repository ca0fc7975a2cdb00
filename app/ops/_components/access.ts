import "server-only";
import { headers } from "next/headers";
import { getViewer, type Viewer } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { isProduction } from "@/lib/run-mode";

/**
 * - `allowed`: signed in as a platform admin;
 * - `signed_out`: nobody is signed in (the page sends them to sign in and back);
 * - `forbidden`: signed in, but not as a platform admin;
 * - `unconfigured`: PLATFORM_ADMIN_EMAILS is empty, so nobody may open /ops.
 */
export type OpsAccess = "allowed" | "signed_out" | "forbidden" | "unconfigured";

/**
 * Who may see /ops: a signed-in user whose address is in PLATFORM_ADMIN_EMAILS. In production the
 * address must also be verified, or anyone could sign up with an admin's address before they do.
 * Pure, for tests; {@link getOpsAccess} applies it to the request.
 */
export function opsAccessFor(viewer: Viewer | null, adminEmails: readonly string[], production: boolean): OpsAccess {
  if (adminEmails.length === 0) return "unconfigured";
  if (!viewer) return "signed_out";
  const listed = adminEmails.includes(viewer.email.trim().toLowerCase());
  return listed && (viewer.emailVerified || !production) ? "allowed" : "forbidden";
}

export async function getOpsAccess(): Promise<OpsAccess> {
  return opsAccessFor(await getViewer(await headers()), getEnv().platformAdminEmails, isProduction());
}
