import { withRetryAfter } from "@/lib/auth/rate-limit";
import { getAuth } from "@/lib/auth/server";

export const dynamic = "force-dynamic";

/** better-auth's own endpoints: sign-up, sign-in, sessions, organizations, invitations. */
export const GET = async (request: Request) => withRetryAfter(await getAuth().handler(request));
export const POST = async (request: Request) => withRetryAfter(await getAuth().handler(request));
