import { getAuth } from "@/lib/auth/server";
import { describeUserAgent } from "@/lib/auth/user-agent";

/** One of the signed-in user's sessions, as the account page shows it (never its token). */
export interface AccountSession {
  id: string;
  createdAt: Date;
  /** When better-auth last extended the session (about once a day while it is used). */
  updatedAt: Date;
  expiresAt: Date;
  /** "Chrome on macOS", from the User-Agent the session was created with. */
  device: string;
  ipAddress: string | null;
  /** The session of the request asking (this browser). */
  current: boolean;
}

/** The signed-in user's unexpired sessions, this browser's first, then newest first; empty when nobody is signed in. */
export async function listAccountSessions(headers: Headers): Promise<AccountSession[]> {
  const auth = getAuth();
  const current = await auth.api.getSession({ headers });
  if (!current) return [];
  const sessions = await auth.api.listSessions({ headers });
  return sessions
    .map((session) => ({
      id: session.id,
      createdAt: new Date(session.createdAt),
      updatedAt: new Date(session.updatedAt),
      expiresAt: new Date(session.expiresAt),
      device: describeUserAgent(session.userAgent),
      ipAddress: session.ipAddress || null,
      current: session.id === current.session.id,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current) || b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * Signs out one of the signed-in user's own sessions, by id: the browser is
 * given ids, never other sessions' tokens. Returns false when the id is not one
 * of the user's sessions (or nobody is signed in).
 */
export async function revokeAccountSession(options: { headers: Headers; sessionId: string }): Promise<boolean> {
  const auth = getAuth();
  const sessions = await auth.api.listSessions({ headers: options.headers }).catch(() => []);
  const session = sessions.find((candidate) => candidate.id === options.sessionId);
  if (!session) return false;
  await auth.api.revokeSession({ body: { token: session.token }, headers: options.headers });
  return true;
}
