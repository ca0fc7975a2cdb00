import { NextResponse, type NextRequest } from "next/server";
import { PAGE_PATH_HEADER } from "@/lib/http/headers";

/**
 * Tells the organization pages which path and query were asked for (server
 * components cannot see the URL), so a visitor whose session is gone is sent
 * to `/sign-in?next=<this page>` and comes back to it. Any value the client
 * sent under the same name is replaced.
 */
export function proxy(request: NextRequest) {
  const forwarded = new Headers(request.headers);
  forwarded.set(PAGE_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers: forwarded } });
}

export const config = {
  matcher: ["/orgs/:path*", "/onboarding", "/account/:path*"],
};
