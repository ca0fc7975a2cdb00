import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { PAGE_PATH_HEADER } from "@/lib/http/headers";
import { contentSecurityPolicy, HSTS_VALUE } from "@/lib/http/security-headers";

/**
 * Runs before every page:
 * - a Content-Security-Policy with a fresh nonce, on the request (Next.js reads it and
 *   puts the nonce on its scripts) and on the response;
 * - HSTS when the app's URL is https;
 * - tells the pages which path and query were asked for (server components cannot see the
 *   URL), so a visitor whose session is gone is sent to `/sign-in?next=<this page>` and comes
 *   back to it. Any value the client sent under the same name is replaced.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  // Next inlines NODE_ENV per build: "development" only in `npm run dev`'s server, whose
  // React tooling needs eval. The app's own run mode is not involved.
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const forwarded = new Headers(request.headers);
  forwarded.set(PAGE_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  forwarded.set("Content-Security-Policy", policy);
  forwarded.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: forwarded } });
  response.headers.set("Content-Security-Policy", policy);
  if (getEnv().appUrl.startsWith("https://")) response.headers.set("Strict-Transport-Security", HSTS_VALUE);
  return response;
}

export const config = {
  // Every page (organization pages, onboarding and /account among them); not API routes (JSON,
  // no scripts) or static files.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|favicon\\.svg|.*\\.(?:png|svg|ico|txt)$).*)" }],
};
