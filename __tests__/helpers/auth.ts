import { prisma } from "@/lib/db";
import { getAuth, type OrgRole, resetAuth } from "@/lib/auth/server";

export const PASSWORD = "correct horse battery staple";

export interface TestUser {
  userId: string;
  email: string;
  cookie: string;
}

function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
}

/** Fresh auth instance per test file (its configuration is read from the environment). */
export function setupAuth() {
  beforeAll(() => resetAuth());
  afterAll(() => resetAuth());
}

export async function signUp(email: string, name = email.split("@")[0]!): Promise<TestUser> {
  const response = await getAuth().api.signUpEmail({ body: { email, password: PASSWORD, name }, asResponse: true });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const { user } = (await response.json()) as { user: { id: string } };
  return { userId: user.id, email, cookie: cookieFrom(response) };
}

/** Creates an organization owned by `user` (better-auth also makes it the session's active one). */
export async function createOrganization(user: TestUser, name: string): Promise<string> {
  const slug = `${name.toLowerCase().replace(/\W+/g, "-")}-${Math.random().toString(36).slice(2, 8)}`;
  const org = await getAuth().api.createOrganization({ body: { name, slug }, headers: new Headers({ cookie: user.cookie }) });
  if (!org) throw new Error("organization was not created");
  await getAuth().api.setActiveOrganization({ body: { organizationId: org.id }, headers: new Headers({ cookie: user.cookie }) });
  return org.id;
}

/**
 * Adds `user` to an organization with `role` and makes it the session's active
 * one, as the old "switch organization" did. The API must not care: requests
 * name their organization with `X-Organization-Id` (`call`'s `org`).
 */
export async function joinOrganization(user: TestUser, organizationId: string, role: OrgRole): Promise<void> {
  await prisma.member.create({ data: { id: `mem_${user.userId.slice(5)}`, organizationId, userId: user.userId, role } });
  await getAuth().api.setActiveOrganization({ body: { organizationId }, headers: new Headers({ cookie: user.cookie }) });
}

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  /** The request's path (default `/api/test`); for handlers that read their own URL. */
  path?: string;
  /** Sends the user's session cookie. */
  user?: TestUser;
  /** The organization the browser is showing, sent as `X-Organization-Id`. */
  org?: string;
  params?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Calls a route handler the way Next.js does, as `user` (or anonymously), in organization `org`. */
export async function call(
  handler: RouteHandler,
  options: CallOptions = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not typed
): Promise<{ status: number; body: any; headers: Headers }> {
  const url = new URL(options.path ?? "/api/test", "http://localhost:3000");
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const headers = new Headers(options.headers);
  if (options.user) headers.set("cookie", options.user.cookie);
  if (options.org) headers.set("x-organization-id", options.org);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers.set("content-type", "application/json");
  const response = await handler(new Request(url, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body }), {
    params: Promise.resolve(options.params ?? {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? parseBody(text) : null, headers: response.headers };
}

/** JSON bodies parsed, anything else (a plain-text 404) as it came. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
