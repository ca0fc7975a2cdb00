/**
 * The request header in which the browser names the organization a JSON call
 * acts in (like Stripe's `Stripe-Account`). Session-cookie requests to
 * organization routes must send it: the session is shared by every tab, the
 * organization is not. Shared by `apiRoute` and the browser's `apiFetch`.
 */
export const ORGANIZATION_HEADER = "X-Organization-Id";

/**
 * Set by proxy.ts on organization pages to the path and query the browser
 * asked for, so a server component can send a signed-out visitor to
 * `/sign-in?next=<that page>`. Whatever a client sends under this name is
 * overwritten; the value only ever goes through safeNextPath.
 */
export const PAGE_PATH_HEADER = "x-page-path";
