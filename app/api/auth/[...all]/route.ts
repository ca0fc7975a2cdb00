import { getAuth } from "@/lib/auth/server";

export const dynamic = "force-dynamic";

/** better-auth's own endpoints: sign-up, sign-in, sessions, organizations, invitations. */
export const GET = (request: Request) => getAuth().handler(request);
export const POST = (request: Request) => getAuth().handler(request);
