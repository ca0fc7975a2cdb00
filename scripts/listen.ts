import { parseArgs } from "node:util";
import { ListenError, runListen } from "./listen-client";

/**
 * `npm run listen -- --forward-to http://localhost:4242/webhooks` (or the `webhooks-listen` bin):
 * this organization's deliveries, on this machine, without a tunnel. Reads the API key from
 * --api-key or WEBHOOKS_API_KEY (it needs the endpoints:write scope) and the app's URL from --url
 * or WEBHOOKS_URL (default http://localhost:3000). Needs no database and no app configuration.
 */
const USAGE = `Usage: npm run listen -- --forward-to <url> [--events <type,type…>] [--endpoint <ep_…>] [--url <app url>] [--api-key <whk_…>]

  --forward-to   where each delivery is posted, e.g. http://localhost:4242/webhooks
  --events       only these event types (a new session); default every event
  --endpoint     resume this listen endpoint: same signing secret, and the deliveries that waited
  --url          the app, default $WEBHOOKS_URL or http://localhost:3000
  --api-key      an API key with the endpoints:write scope, default $WEBHOOKS_API_KEY`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      "forward-to": { type: "string" },
      events: { type: "string" },
      endpoint: { type: "string" },
      url: { type: "string" },
      "api-key": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const forwardTo = values["forward-to"] as string | undefined;
const apiKey = (values["api-key"] as string | undefined) ?? process.env.WEBHOOKS_API_KEY;
const apiUrl = (values.url as string | undefined) ?? process.env.WEBHOOKS_URL ?? "http://localhost:3000";
if (!forwardTo) fail(`--forward-to is required.\n\n${USAGE}`);
if (!apiKey) fail("Give an API key with the endpoints:write scope: --api-key whk_… or WEBHOOKS_API_KEY (create one on the API keys page).");
for (const [name, value] of [["--forward-to", forwardTo], ["--url", apiUrl]] as const) {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) fail(`${name} must be an http:// or https:// URL, not ${JSON.stringify(value)}`);
}
const endpointId = values.endpoint as string | undefined;
if (endpointId !== undefined && !/^ep_[0-9a-z]{26}$/.test(endpointId)) fail(`--endpoint must be an endpoint id (ep_…), not ${JSON.stringify(endpointId)}`);
const events = (values.events as string | undefined)?.split(",").map((name) => name.trim()).filter(Boolean);
if (endpointId !== undefined && events !== undefined) fail("--events is for a new session: a resumed one keeps the event types it was started with.");

const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());

runListen({ apiUrl, apiKey, forwardTo, events, endpointId, signal: stop.signal, print: (line) => process.stdout.write(`${line}\n`) })
  .then((id) => {
    process.stdout.write(`Stopped. ${id} is disabled until you resume it with --endpoint ${id}; deliveries wait for it, and it is deleted after 24 hours unused.\n`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    if (error instanceof ListenError) fail(error.message);
    if (stop.signal.aborted) process.exit(0);
    fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
  });
