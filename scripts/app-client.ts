/** What the client needs of a response; the global `fetch`'s and undici's both fit. */
export interface ClientResponse {
  status: number;
  headers: { get(name: string): string | null; getSetCookie(): string[] };
  text(): Promise<string>;
}

export type ClientFetch = (url: URL, init: { method: string; headers: Record<string, string>; body?: string; redirect: "manual" }) => Promise<ClientResponse>;

export interface AppAnswer {
  status: number;
  headers: ClientResponse["headers"];
  text: string;
  /** The body parsed, when it is JSON. */
  json: Record<string, unknown> | undefined;
}

/**
 * A client of a running app's routes as its own pages call them: `Origin` is the app's, bodies are
 * JSON, and the session cookie a sign-in set is sent back (as a browser on `appUrl` would; over
 * `https://` those cookies are Secure). `fetch` defaults to the global one (inject another to trust
 * a CA of your own). Redirects are returned, not followed.
 */
export function appClient(appUrl: string, options: { fetch?: ClientFetch } = {}) {
  const origin = new URL(appUrl).origin;
  const send: ClientFetch = options.fetch ?? ((url, init) => fetch(url, init));
  let cookie = "";
  return {
    async call(route: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<AppAnswer> {
      const response = await send(new URL(route, origin), {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: {
          origin,
          accept: "application/json",
          ...(cookie ? { cookie } : {}),
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        redirect: "manual",
      });
      const text = await response.text();
      let json: Record<string, unknown> | undefined;
      try {
        json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    /** Sends the cookies `answer` set from now on (their names and values); returns its Set-Cookie lines. */
    keepCookies(answer: AppAnswer): string[] {
      const lines = answer.headers.getSetCookie();
      cookie = lines.map((line) => line.split(";")[0]).join("; ");
      return lines;
    },
  };
}
