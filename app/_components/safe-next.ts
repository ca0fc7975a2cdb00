/**
 * Where to go after signing in: `value` only if it is a path on this site
 * ("/accept-invitation/inv_…"), otherwise null. Refuses absolute and
 * protocol-relative URLs ("//evil.example"), backslashes (browsers read "/\\"
 * as "//"), control characters, API routes, and any path whose normalised or
 * decoded form starts with two slashes, so a crafted link cannot send someone
 * elsewhere after they type their password. Returns the normalised path.
 */
export function safeNextPath(value: unknown): string | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return null;
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) return null;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return null;
  }
  try {
    const base = "http://same.invalid";
    const url = new URL(raw, base);
    if (url.origin !== base) return null;
    // Judge the normalised path, not the input: "/.//evil.com", "/%2e//evil.com" and
    // "/a/..//evil.com" all normalise to "//evil.com", which a browser reads as another
    // host; encoded slashes and backslashes ("/%2f/x", "/%5c%5cx") are refused the same way.
    const decoded = decodeURIComponent(url.pathname);
    if (/^\/[/\\]/.test(url.pathname) || /^\/[/\\]/.test(decoded)) return null;
    if (decoded === "/api" || decoded.startsWith("/api/")) return null;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return null;
  }
}

/** `path` with `?next=` set to a safe `next`, or `path` alone. */
export function withNext(path: string, next: string | null | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}
