import { setupServer, type SetupServer } from "msw/node";

/** One request a handler of ./handlers.ts answered, as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, e.g. `/api/webhooks/endpoints/ep_1`. */
  path: string;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
  /** `X-Organization-Id`, which every organization route requires of a session request. */
  organizationId: string | null;
}

/** Every request the handlers answered in the current test, oldest first. */
export const received: ReceivedRequest[] = [];

/**
 * Starts msw for the calling test file: requests that no handler matches fail the test
 * (`onUnhandledRequest: "error"`), and handlers added with `server.use()` and the
 * received-request log are reset after each test. Call once, at the top of the file.
 *
 * msw replaces `fetch` when it starts listening; code that keeps a reference to `fetch` from
 * when it was loaded (better-auth's client, lib/auth/client.ts) must be imported in a
 * `beforeAll` registered after this call (see invite-member-form.test.tsx).
 */
export function setupApiServer(): SetupServer {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    server.resetHandlers();
    received.length = 0;
  });
  afterAll(() => server.close());
  return server;
}
