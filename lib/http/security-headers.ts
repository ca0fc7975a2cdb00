/**
 * Security headers. Pages get a Content-Security-Policy with a fresh nonce per
 * request (Next.js puts it on its own inline and chunk scripts when it finds the
 * policy on the request). The headers every response gets, pages and API alike
 * (nosniff, Referrer-Policy, X-Frame-Options, Permissions-Policy), are in
 * next.config.js.
 */

/** HSTS for an app served over https: one year, subdomains included. */
export const HSTS_VALUE = "max-age=31536000; includeSubDomains";

/**
 * The page policy: scripts only with this request's nonce (and what they load,
 * 'strict-dynamic'); no plugins, no framing, forms and <base> to this origin
 * only. Styles allow inline attributes, which charts set. `devServer` adds
 * 'unsafe-eval', which only Next's development server (`npm run dev`) needs.
 */
export function contentSecurityPolicy(nonce: string, devServer = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${devServer ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
