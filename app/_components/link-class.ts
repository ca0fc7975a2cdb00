/**
 * Class for an inline text link inside page content (tables, lists, empty
 * states): indigo, underlined on hover, with a visible keyboard focus ring.
 * Forms on the sign-in cards use `textLinkClassName` from `auth-card` instead.
 */
export const linkClass = "font-medium text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600";
