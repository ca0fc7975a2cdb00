import { orgPath } from "@/app/_components/org-paths";
import { withNext } from "@/app/_components/safe-next";
import { homeOrganization } from "@/lib/auth/membership";
import { getViewer } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** The sections that lived under /settings before organization pages moved under /orgs/<slug>. */
const MOVED = new Set(["webhooks", "api-keys", "members"]);

const redirectTo = (location: string) => new Response(null, { status: 307, headers: { Location: location, "Cache-Control": "no-store" } });

/**
 * Old links (`/settings/webhooks/ep_…?tab=1`, bookmarks, emails) go to the same
 * path and query under the viewer's home organization (the one used last).
 * Signed out: sign in first, then come back here. No organization: onboarding.
 */
export async function GET(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const { path } = await params;
  if (!MOVED.has(path[0] ?? "")) return new Response("Not found", { status: 404 });
  const url = new URL(request.url);
  const viewer = await getViewer(request.headers);
  if (!viewer) return redirectTo(withNext("/sign-in", `${url.pathname}${url.search}`));
  const home = await homeOrganization(viewer.userId);
  if (!home) return redirectTo("/onboarding");
  return redirectTo(`${orgPath(home.slug, url.pathname)}${url.search}`);
}
