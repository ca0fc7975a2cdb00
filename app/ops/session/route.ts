import { NextResponse, type NextRequest } from "next/server";
import { isMetricsToken } from "@/lib/http/route";
import { OPS_COOKIE, OPS_SESSION_SECONDS } from "../_components/access";

export const dynamic = "force-dynamic";

/** A token form is a few dozen bytes; anything much larger is not ours. */
const MAX_FORM_BYTES = 4 * 1024;

/** Relative Location: the browser resolves it against the URL it posted to, whatever proxy is in front. */
function redirectTo(location: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

function isHttps(request: NextRequest): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return request.nextUrl.protocol === "https:" || forwarded === "https";
}

async function readForm(request: NextRequest): Promise<FormData | null> {
  const length = request.headers.get("content-length");
  if (length === null || !(Number(length) <= MAX_FORM_BYTES)) return null;
  try {
    return await request.formData();
  } catch {
    return null;
  }
}

/**
 * The /ops sign-in form posts `token` here: when it equals METRICS_TOKEN it is
 * stored in an httpOnly, sameSite=strict cookie scoped to /ops and the browser
 * goes back to /ops (303); otherwise to /ops?error=1. `_action=signout` clears
 * the cookie. Cross-site posts are refused, so another site can neither sign a
 * browser in with its own token nor sign it out.
 */
export async function POST(request: NextRequest): Promise<Response> {
  if (request.headers.get("sec-fetch-site") === "cross-site") {
    return new Response("Cross-site requests are not accepted", { status: 403, headers: { "Cache-Control": "no-store" } });
  }
  const form = await readForm(request);
  const cookie = {
    httpOnly: true,
    sameSite: "strict" as const,
    path: "/ops",
    secure: isHttps(request),
  };

  if (form?.get("_action") === "signout") {
    const response = redirectTo("/ops");
    response.cookies.set(OPS_COOKIE, "", { ...cookie, maxAge: 0 });
    return response;
  }

  const token = form?.get("token");
  const candidate = typeof token === "string" ? token.trim() : undefined;
  if (candidate === undefined || !isMetricsToken(candidate)) return redirectTo("/ops?error=1");
  const response = redirectTo("/ops");
  response.cookies.set(OPS_COOKIE, candidate, { ...cookie, maxAge: OPS_SESSION_SECONDS });
  return response;
}
