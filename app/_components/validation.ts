/** Client-side checks shared by the sign-in, sign-up, password and invitation forms; the server (better-auth) checks again. */

/** Matches the server's password policy in lib/auth/server.ts. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;

/** A plausible email address (one "@", something on both sides, a dot in the domain). */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}
