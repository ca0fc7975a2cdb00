import { HttpError } from "@/lib/http/errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The origins the app's own pages are served from: `APP_URL`, and locally both
 * `localhost` and `127.0.0.1` on its port (the app answers on both names).
 * better-auth's `trustedOrigins` and the JSON routes' CSRF check share it.
 */
export function appOrigins(appUrl: string): string[] {
  const url = new URL(appUrl);
  if (url.hostname !== "localhost" && url.hostname !== "127.0.0.1") return [url.origin];
  return [`${url.protocol}//localhost:${url.port}`, `${url.protocol}//127.0.0.1:${url.port}`].map((origin) => new URL(origin).origin);
}

function isJson(contentType: string): boolean {
  const essence = contentType.split(";")[0]!.trim().toLowerCase();
  return essence === "application/json" || /^application\/[\w.+-]+\+json$/.test(essence);
}

/**
 * CSRF defence for JSON routes a session cookie authenticates. A state-changing
 * request (anything but GET/HEAD/OPTIONS) is refused with 403 when the browser
 * says another site sent it — `Sec-Fetch-Site: cross-site` or `same-site` (a
 * sibling subdomain shares cookies but is not us), or an `Origin` that is not
 * one of `allowedOrigins` (`null` included) — and with 415 when its body is not
 * `application/json`: an HTML form can only send `text/plain`,
 * `application/x-www-form-urlencoded` or `multipart/form-data` without a
 * preflight, so requiring JSON closes the form-POST path even for browsers
 * that send neither header. Requests without those headers (curl, server code)
 * pass. API-key and metrics-token requests never reach this: no cookie, no CSRF.
 */
export function assertSameOriginWrite(request: Request, allowedOrigins: readonly string[]): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const site = request.headers.get("sec-fetch-site")?.toLowerCase();
  const origin = request.headers.get("origin");
  if (site === "cross-site" || site === "same-site" || (origin !== null && !allowedOrigins.includes(origin))) {
    throw new HttpError(403, "cross_site_request", "Requests from other sites cannot use your session; use the app itself or an API key");
  }
  const contentType = request.headers.get("content-type");
  const hasBody = request.body !== null && request.headers.get("content-length") !== "0";
  if (contentType !== null ? !isJson(contentType) : hasBody) {
    throw new HttpError(415, "unsupported_media_type", "Send the request body as JSON with Content-Type: application/json");
  }
}
