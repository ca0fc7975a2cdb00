import "server-only";
import { headers } from "next/headers";
import { homeOrganization } from "@/lib/auth/membership";
import { getViewer } from "@/lib/auth/session";
import { AccountHeader } from "./account-header";
import { AppHeader } from "./app-header";
import { PublicHeader } from "./public-header";

/**
 * The header for pages outside an organization's URL (the docs, the landing page, a 404):
 * the app's own header, in the organization the viewer used last, when someone is signed
 * in; the account header when they have no organization yet; Sign in / Sign up otherwise.
 */
export async function SiteHeader() {
  const viewer = await getViewer(await headers());
  if (!viewer) return <PublicHeader />;
  const organization = await homeOrganization(viewer.userId);
  if (!organization) return <AccountHeader viewer={viewer} />;
  return <AppHeader viewer={{ email: viewer.email, name: viewer.name, organization }} />;
}
