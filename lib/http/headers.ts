/**
 * The request header in which the browser names the organization a JSON call
 * acts in (like Stripe's `Stripe-Account`). Session-cookie requests to
 * organization routes must send it: the session is shared by every tab, the
 * organization is not. Shared by `apiRoute` and the browser's `apiFetch`.
 */
export const ORGANIZATION_HEADER = "X-Organization-Id";
