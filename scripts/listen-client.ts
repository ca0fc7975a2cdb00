import { createParser, type EventSourceMessage } from "eventsource-parser";

/**
 * The `listen` CLI's work, apart from its command line (scripts/listen.ts) so tests can run it:
 * start or resume a listen session, hold its stream, post every forwarded delivery to the local
 * URL with exactly the headers and body the platform signed, and report the local answer back.
 * It talks to the app over its public API only, with an API key that has `endpoints:write`.
 * What it posts goes to the developer's own machine, so nothing here guards addresses.
 */

/** How long the local server may take to answer one delivery (the platform's own delivery deadline). */
export const LOCAL_TIMEOUT_MS = 30_000;
/** How much of the local answer's body is reported (what the platform keeps of any response). */
export const LOCAL_BODY_CAP_BYTES = 64 * 1024;
/** Reconnection back-off after a lost stream: from 1 s, doubling, up to 30 s. */
const RECONNECT_MS = { first: 1_000, max: 30_000 };

export interface ListenOptions {
  /** The app's base URL, e.g. http://localhost:3000. */
  apiUrl: string;
  apiKey: string;
  /** Where each delivery is posted, e.g. http://localhost:4242/webhooks. */
  forwardTo: string;
  /** Subscribe to these event types only (a new session); default every event. */
  events?: string[];
  /** Resume this listen endpoint (its secret and waiting deliveries) instead of starting a new one. */
  endpointId?: string;
  /** Ends the session (Ctrl-C). */
  signal: AbortSignal;
  /** One line of terminal output. */
  print: (line: string) => void;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** Why a session cannot go on: the key, the endpoint or the request is wrong (no point retrying). */
export class ListenError extends Error {}

interface Forwarded {
  id: string;
  deliveryId: string;
  eventType: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Runs a listen session until `signal` aborts; resolves with the endpoint id. Throws ListenError
 * when the API refuses the key, the scope or the endpoint. A lost stream is reconnected with
 * back-off (deliveries wait meanwhile, and come when it is back).
 */
export async function runListen(options: ListenOptions): Promise<string> {
  const call = options.fetch ?? fetch;
  const api = (path: string) => new URL(path, options.apiUrl).toString();
  const auth = { authorization: `Bearer ${options.apiKey}` };
  const clock = options.now ?? (() => new Date());

  const refused = async (response: Response, what: string) => {
    const text = await response.text();
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // Not JSON: the text as it came.
    }
    return new ListenError(`${what}: ${response.status} ${message}`);
  };

  let endpointId = options.endpointId;
  let secret: string;
  let eventTypes: string[];
  if (endpointId) {
    // Resuming: only a listen session's endpoint, whose secret the CLI may then read; it keeps its event types.
    const read = await call(api(`/api/webhooks/endpoints/${encodeURIComponent(endpointId)}`), { headers: auth, signal: options.signal });
    if (!read.ok) throw await refused(read, `Could not resume ${endpointId}`);
    const { endpoint } = (await read.json()) as { endpoint: { kind: string; eventTypes: string[] } };
    if (endpoint.kind !== "cli") throw new ListenError(`${endpointId} is not a listen session's endpoint: --endpoint resumes one that npm run listen started`);
    eventTypes = endpoint.eventTypes;
    const response = await call(api(`/api/webhooks/endpoints/${encodeURIComponent(endpointId)}/secret`), { headers: auth, signal: options.signal });
    if (!response.ok) throw await refused(response, `Could not resume ${endpointId}`);
    secret = ((await response.json()) as { secret: string }).secret;
  } else {
    const response = await call(api("/api/v1/listen"), {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(options.events?.length ? { eventTypes: options.events } : {}),
      signal: options.signal,
    });
    if (!response.ok) throw await refused(response, "Could not start a listen session");
    const created = (await response.json()) as { endpoint: { id: string; eventTypes: string[] }; secret: string };
    endpointId = created.endpoint.id;
    eventTypes = created.endpoint.eventTypes;
    secret = created.secret;
  }
  options.print(`Ready. Forwarding ${eventTypes.length ? eventTypes.join(", ") : "every event"} to ${options.forwardTo}`);
  options.print(`Endpoint ${endpointId}; its signing secret is ${secret}`);
  options.print(`(Stop with Ctrl-C; resume later with --endpoint ${endpointId} to keep this secret and get what waited.)`);

  let delay = RECONNECT_MS.first;
  while (!options.signal.aborted) {
    try {
      await holdStream(endpointId);
      delay = RECONNECT_MS.first;
    } catch (error) {
      if (error instanceof ListenError) throw error;
      if (options.signal.aborted) break;
      options.print(`Connection lost (${error instanceof Error ? error.message : String(error)}); reconnecting in ${Math.round(delay / 1000)} s…`);
    }
    if (options.signal.aborted) break;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, delay);
      options.signal.addEventListener("abort", () => (clearTimeout(timer), resolve(undefined)), { once: true });
    });
    delay = Math.min(delay * 2, RECONNECT_MS.max);
  }
  return endpointId;

  /** One connection of the stream: forwards each delivery as it comes, until the stream ends. */
  async function holdStream(id: string): Promise<void> {
    const response = await call(api(`/api/v1/listen/${encodeURIComponent(id)}/stream`), { headers: { ...auth, accept: "text/event-stream" }, signal: options.signal });
    if (response.status === 401 || response.status === 403 || response.status === 404) throw await refused(response, "The listen stream was refused");
    if (!response.ok || !response.body) throw new Error(`the stream answered ${response.status}`);
    const pending = new Set<Promise<void>>();
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        if (message.event === "ready") options.print("Connected; waiting for events.");
        if (message.event !== "delivery") return;
        const work = forward(id, JSON.parse(message.data) as Forwarded).finally(() => pending.delete(work));
        pending.add(work);
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    } finally {
      await Promise.allSettled(pending);
    }
    if (!options.signal.aborted) throw new Error("the stream ended");
  }

  /** Posts one delivery to the local URL and reports the answer; prints one line. */
  async function forward(id: string, delivery: Forwarded): Promise<void> {
    const started = performance.now();
    let answer: Record<string, unknown>;
    let line: string;
    try {
      const response = await call(options.forwardTo, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
        redirect: "manual",
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(LOCAL_TIMEOUT_MS)]),
      });
      const body = await readCapped(response);
      const durationMs = Math.round(performance.now() - started);
      answer = { id: delivery.id, status: response.status, headers: Object.fromEntries(response.headers), body, durationMs };
      line = `→ ${response.status} ${response.statusText}`.trimEnd() + ` (${durationMs} ms)`;
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError") && !options.signal.aborted;
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      const message = timedOut ? `no answer within ${LOCAL_TIMEOUT_MS / 1000} s` : cause;
      answer = { id: delivery.id, error: { code: timedOut ? "timeout" : "connection_failed", message: message.slice(0, 1000) }, durationMs };
      line = `→ failed: ${message}`;
    }
    const time = clock().toISOString().slice(11, 19);
    options.print(`${time}  ${delivery.eventType}  ${delivery.deliveryId}  ${line}`);
    if (options.signal.aborted) return;
    const reported = await call(api(`/api/v1/listen/${encodeURIComponent(id)}/answers`), {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(answer),
    }).catch((error: unknown) => error as Error);
    if (reported instanceof Error) options.print(`   (could not report it: ${reported.message}; the platform records a timeout and retries)`);
    else if (!reported.ok) options.print(`   (reporting it answered ${reported.status}: ${(await reported.text()).slice(0, 200)})`);
  }
}

/** The response body as text, at most LOCAL_BODY_CAP_BYTES bytes of it. */
async function readCapped(response: Response): Promise<string> {
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= LOCAL_BODY_CAP_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, LOCAL_BODY_CAP_BYTES).toString("utf8");
}
