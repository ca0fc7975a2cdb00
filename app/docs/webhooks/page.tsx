import type { Metadata } from "next";
import { publishedEventType } from "@/lib/webhooks/event-catalogue";
import { ENDPOINT_HEADERS_MAX, ENDPOINT_HEADERS_MAX_BYTES, HEADER_VALUE_MASK } from "@/lib/webhooks/endpoint-headers";
import type { ReactNode } from "react";
import { bytesText, durationText, formatPercent, humaniseSeconds, millisecondsText, roughDuration } from "@/app/_components/format";
import { cardClassName } from "@/app/_components/card";
import { SiteHeader } from "@/app/_components/site-header";
import { CIRCUIT_COOLDOWN_SECONDS, CIRCUIT_MAX_COOLDOWN_SECONDS, CIRCUIT_OPEN_AFTER_FAILURES } from "@/lib/webhooks/circuit-breaker";
import { DISABLE_AFTER_FAILING_SECONDS } from "@/lib/webhooks/attempt";
import { SECRET_ROTATION_GRACE_SECONDS } from "@/lib/webhooks/endpoints";
import { EVENT_CATALOGUE, MAX_PAYLOAD_BYTES } from "@/lib/webhooks/events";
import { MAX_RETRY_AFTER_SECONDS, RETRY_JITTER_RATIO, RETRY_SCHEDULE_SECONDS } from "@/lib/webhooks/retry-policy";
import { USER_AGENT } from "@/lib/webhooks/sign";
import { DEFAULT_TIMEOUT_MS, RESPONSE_BODY_CAP_BYTES } from "@/lib/webhooks/transport";
import { RATE_LIMIT_MAX_PER_SECOND, RATE_LIMIT_MIN_PER_SECOND, RATE_SPACING_NUMERATOR_US } from "@/lib/webhooks/rate-limit";
import { RETRY_PRESETS, retrySchedule } from "@/lib/webhooks/retry-presets";
import { BATCH_MAX_BODY_BYTES, BATCH_MAX_ITEMS } from "@/lib/webhooks/batch";
import { C, CodeBlock } from "./code-block";
import { Troubleshooting } from "./troubleshooting";
import {
  ED25519_NODE_SNIPPET,
  ED25519_PYTHON_SNIPPET,
  EXAMPLE_BODY,
  EXAMPLE_DELIVERY_ID,
  EXAMPLE_ED25519_HEADERS,
  EXAMPLE_ENVELOPE,
  EXAMPLE_HEADERS,
  EXAMPLE_PUBLIC_KEY,
  EXAMPLE_ROTATION_SIGNATURE,
  EXAMPLE_SECRET,
  LEGACY_NODE_SNIPPET,
  LEGACY_PYTHON_SNIPPET,
  NODE_RECEIVER,
  PYTHON_RECEIVER,
  STANDARD_NODE_SNIPPET,
  STANDARD_PYTHON_SNIPPET,
  prettyJson,
} from "./examples";

export const metadata: Metadata = {
  title: "Receiving webhooks",
  description: "How to receive, verify and process the webhooks we send: payload, headers, signatures, retries and examples.",
};

const SECTIONS = [
  { id: "overview", title: "Overview" },
  { id: "payload", title: "The payload and the event catalogue" },
  { id: "headers", title: "Headers" },
  { id: "verifying-signatures", title: "Verifying signatures" },
  { id: "ed25519", title: "Ed25519 signatures (v1a)" },
  { id: "retries", title: "Retries and failures" },
  { id: "idempotency", title: "Idempotency and ordering" },
  { id: "delivery-controls", title: "Ordering, rate limits and retry presets" },
  { id: "batch-send", title: "Batch send" },
  { id: "timeouts", title: "Timeouts and responses" },
  { id: "testing", title: "Testing locally" },
  { id: "examples", title: "Receiver examples" },
  { id: "troubleshooting", title: "Troubleshooting" },
] as const;

type SectionId = (typeof SECTIONS)[number]["id"];

const TIMEOUT = millisecondsText(DEFAULT_TIMEOUT_MS);
const RESPONSE_CAP = bytesText(RESPONSE_BODY_CAP_BYTES);
const JITTER = `±${formatPercent(Math.round(RETRY_JITTER_RATIO * 100))}`;
const ATTEMPTS = RETRY_SCHEDULE_SECONDS.length;
const TOTAL_RETRY_SECONDS = RETRY_SCHEDULE_SECONDS.reduce((sum, delay) => sum + delay, 0);
const GRACE = durationText(SECRET_ROTATION_GRACE_SECONDS);

/** "immediately, then 5 seconds, 5 minutes, … and 10 hours after the previous attempt failed". */
function scheduleInWords(schedule: readonly number[]): string {
  const [first = 0, ...rest] = schedule;
  if (rest.length === 0) return humaniseSeconds(first);
  const words = rest.map(humaniseSeconds);
  const list = words.length === 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
  return `${humaniseSeconds(first)}, then ${list} after the previous attempt failed`;
}

const HEADER_ROWS: { name: string; meaning: ReactNode }[] = [
  { name: "content-type", meaning: "Always application/json: the body is the JSON envelope, UTF-8." },
  { name: "user-agent", meaning: "Identifies us as the sender. Do not rely on it for security: anyone can send it." },
  { name: "x-webhook-event", meaning: "The event type, the same as the envelope’s event field." },
  {
    name: "x-webhook-timestamp",
    meaning: (
      <>
        When the event happened (ISO 8601, UTC), the same as the envelope’s <C>timestamp</C> and the same on every attempt.
        Not covered by any signature: do not use it for replay checks.
      </>
    ),
  },
  {
    name: "x-webhook-signature",
    meaning: (
      <>
        Legacy signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the whole <C>whsec_…</C> secret string. Signed
        with the newest secret only. Covers neither a timestamp nor an id. Not sent by an endpoint that signs with{" "}
        <a className="text-indigo-700 underline" href="#ed25519">
          Ed25519
        </a>
        .
      </>
    ),
  },
  {
    name: "webhook-id",
    meaning: (
      <>
        The delivery id (<C>msg_…</C>): one event to one endpoint. The same on every retry and on a manual redelivery:
        deduplicate on it.
      </>
    ),
  },
  {
    name: "webhook-timestamp",
    meaning: "Unix seconds when this attempt was sent: fresh on every attempt, so a retry hours later still passes a 5-minute tolerance.",
  },
  {
    name: "webhook-signature",
    meaning: (
      <>
        <a className="text-indigo-700 underline hover:text-indigo-500" href="https://www.standardwebhooks.com/">
          Standard Webhooks
        </a>{" "}
        signature: <C>v1,</C> + base64 HMAC-SHA256 of <C>{"{webhook-id}.{webhook-timestamp}.{body}"}</C> (for an{" "}
        <a className="text-indigo-700 underline" href="#ed25519">
          Ed25519
        </a>{" "}
        endpoint, <C>v1a,</C> + its base64 Ed25519 signature). Space-separated entries: two of them for {GRACE} after the
        secret is rotated.
      </>
    ),
  },
];

type Outcome = { answer: ReactNode; result: ReactNode };

const OUTCOMES: Outcome[] = [
  { answer: <>Any 2xx within {TIMEOUT}</>, result: "Delivered. No further attempts." },
  {
    answer: <>408, 429, any 5xx</>,
    result: (
      <>
        Retried on the schedule. On 429 and 503 a <C>Retry-After</C> header is honoured (see below).
      </>
    ),
  },
  { answer: <>Any 3xx</>, result: "Retried: redirects are never followed. Update the endpoint URL instead." },
  {
    answer: <>Timeout, DNS failure, connection refused or reset, TLS error</>,
    result: <>Retried. TLS certificates are always verified, so a self-signed certificate fails every attempt.</>,
  },
  {
    answer: <>410 Gone</>,
    result: "The endpoint is disabled at once and its pending deliveries are cancelled. Use it when a URL is retired for good.",
  },
  {
    answer: <>Any other 4xx (400, 401, 403, 404, 422, …)</>,
    result: "The delivery fails at once, without retries.",
  },
  {
    answer: <>The host is, or resolves to, a private, loopback or link-local address</>,
    result: "The delivery fails at once: we never send to private networks.",
  },
];

/** Each retry preset's schedule (`standard`: the default one these docs describe). */
const PRESET_ROWS = RETRY_PRESETS.map((name) => ({ name, schedule: retrySchedule(name, RETRY_SCHEDULE_SECONDS) }));

const ED25519_API_EXAMPLE = `# A new endpoint that signs with Ed25519: the answer carries its public key, and no secret
curl -X POST https://your-app.example/api/webhooks/endpoints \\
  -H "Authorization: Bearer whk_…" -H "Content-Type: application/json" \\
  -d '{"url":"https://hooks.example.com/in","signatureScheme":"ed25519"}'
# 201 {"endpoint":{"id":"ep_…","signatureScheme":"ed25519","publicKey":"whpk_…",…}}

# An existing endpoint: switch (the old secret keeps signing beside the new key for ${GRACE})
curl -X PATCH https://your-app.example/api/webhooks/endpoints/ep_… \\
  -H "Authorization: Bearer whk_…" -H "Content-Type: application/json" \\
  -d '{"signatureScheme":"ed25519"}'

# The public key, as JSON {publicKey, pem} or as a PEM file
curl https://your-app.example/api/webhooks/endpoints/ep_…/public-key -H "Authorization: Bearer whk_…"
curl -o public-key.pem "https://your-app.example/api/webhooks/endpoints/ep_…/public-key?format=pem" \\
  -H "Authorization: Bearer whk_…"`;

const ORDERING_LIBRARY_EXAMPLE = `import { sendWebhookNotification } from "@/lib/webhooks";

// Events of one order reach an ordered endpoint one at a time, in this order.
await sendWebhookNotification(orgId, "order.updated", \`order-\${order.id}-v\${order.version}\`, { orderId: order.id, status: order.status }, {
  orderingKey: \`order-\${order.id}\`, // 1–255 characters
});`;

const ORDERING_INGEST_EXAMPLE = `curl -X POST https://your-app.example/api/v1/events \\
  -H "Authorization: Bearer whk_…" -H "Content-Type: application/json" \\
  -d '{"event":"order.updated","idempotencyKey":"order-42-v7","orderingKey":"order-42","data":{"orderId":"42","status":"shipped"}}'`;

const CUSTOM_HEADERS_EXAMPLE = `curl -X POST https://your-app.example/api/webhooks/endpoints \\
  -H "Cookie: …" -H "X-Organization-Id: org_…" -H "Content-Type: application/json" \\
  -d '{"url":"https://gateway.example.com/hooks","headers":{"Authorization":"Bearer gw_live_…","X-Tenant":"acme"}}'

# Later: replace one value and drop another, keeping the rest
curl -X PATCH https://your-app.example/api/webhooks/endpoints/ep_… \\
  -H "Cookie: …" -H "X-Organization-Id: org_…" -H "Content-Type: application/json" \\
  -d '{"headerChanges":{"set":{"Authorization":"Bearer gw_live_new…"},"remove":["X-Tenant"]}}'`;

const CUSTOM_HEADERS_LIBRARY_EXAMPLE = `import { createEndpoint, updateEndpoint } from "@/lib/webhooks";

const { endpoint } = await createEndpoint({
  organizationId,
  url: "https://gateway.example.com/hooks",
  headers: { Authorization: \`Bearer \${gatewayToken}\` },
});
// endpoint.headerNames → ["Authorization"]; the value is never returned again.
await updateEndpoint({ organizationId, endpointId: endpoint.id, headerChanges: { set: { Authorization: \`Bearer \${newToken}\` } } });`;

const REPLAY_EXAMPLE = `# How many events did the endpoint miss while it was disabled?
curl https://your-app.example/api/webhooks/endpoints/ep_…/recover -H "Cookie: …" -H "X-Organization-Id: org_…"
# → {"missed":3,"since":"2026-12-01T10:00:00.000Z"}

# After enabling it, replay them (each keeps its own webhook-id)
curl -X POST https://your-app.example/api/webhooks/endpoints/ep_…/recover \\
  -H "Cookie: …" -H "X-Organization-Id: org_…" -H "Content-Type: application/json" -d '{"missed":true}'
# → {"requeued":3}`;

const EVENT_TYPES_EXAMPLE = `curl https://your-app.example/api/v1/event-types -H "Authorization: Bearer whk_…"
# → {"eventTypes":[{"name":"invoice.paid","description":"…","schema":{"type":"object","properties":{…},"required":[…]},"example":{…}}, …],
#    "undeclaredEventTypes":"allow"}`;

const BATCH_INGEST_EXAMPLE = `curl -X POST https://your-app.example/api/v1/events/batch \\
  -H "Authorization: Bearer whk_…" -H "Content-Type: application/json" \\
  -d '{"items":[
        {"event":"invoice.paid","idempotencyKey":"inv_1-paid","data":{"invoiceId":"inv_1","amount":4200,"currency":"usd"}},
        {"event":"invoice.paid","idempotencyKey":"inv_2-paid","data":{"invoiceId":"inv_2","amount":990,"currency":"usd"},"orderingKey":"customer-42"},
        {"event":"invoice.paid","idempotencyKey":"inv_1-paid","data":{"invoiceId":"inv_1","amount":4200,"currency":"usd"}},
        {"event":"invoice.paid","idempotencyKey":"inv_3-paid","data":{"invoiceId":"inv_3","amount":"12.00","currency":"usd"}}
      ]}'`;

const BATCH_RESPONSE_EXAMPLE = `{
  "results": [
    { "status": 202, "eventId": "evt_01jf…", "deliveries": 2, "duplicate": false },
    { "status": 202, "eventId": "evt_01jg…", "deliveries": 2, "duplicate": false },
    { "status": 200, "eventId": "evt_01jf…", "deliveries": 2, "duplicate": true },
    { "status": 422, "error": { "code": "invalid_payload", "message": "The data of invoice.paid does not match its schema: data.amount: …",
                                "issues": [{ "path": ["data", "amount"], "code": "invalid_type", "message": "Invalid input: expected number, received string" }] } }
  ]
}`;

const BATCH_LIBRARY_EXAMPLE = `import { isBatchItemError, sendWebhookNotifications } from "@/lib/webhooks";

const results = await sendWebhookNotifications(orgId, invoices.map((invoice) => ({
  event: "invoice.paid",
  idempotencyKey: \`invoice-\${invoice.id}-paid\`,
  data: { invoiceId: invoice.id, amount: invoice.amountCents, currency: "usd" },
})), { tx }); // optional: all or nothing with your transaction
const refused = results.filter(isBatchItemError); // [{ error: { code, message } }, …]`;

const CONTROLS_PATCH_EXAMPLE = JSON.stringify({ ordering: "ordered", rateLimitPerSecond: 20, retryPreset: "short" }, null, 2);

/** One row per attempt: its wait and the rough time since the event (no jitter, no response time). */
const SCHEDULE_ROWS = RETRY_SCHEDULE_SECONDS.map((delay, index) => ({
  attempt: index + 1,
  delay,
  elapsed: RETRY_SCHEDULE_SECONDS.slice(0, index + 1).reduce((sum, value) => sum + value, 0),
}));

export default function WebhookDocsPage() {
  return (
    <>
      <SiteHeader />
      <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6 lg:grid lg:grid-cols-[13rem_minmax(0,1fr)] lg:gap-10">
        <aside className="hidden lg:block">
          <nav aria-label="On this page" className="sticky top-6 max-h-[calc(100vh-3rem)] overflow-y-auto">
            <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">On this page</p>
            <TableOfContents />
          </nav>
        </aside>
        <main id="main" className="min-w-0 max-w-4xl">
          <p className="text-sm font-semibold uppercase tracking-wide text-indigo-600">Developer docs</p>
          <h1 className="mt-2 text-4xl font-bold tracking-tight">Receiving webhooks</h1>
          <p className="mt-4 max-w-2xl text-lg text-slate-600">
            Everything a server that receives our webhooks needs: what we send, how to check that it came from us, when we
            try again, and working receivers in Node.js and Python.
          </p>

          <details className={cardClassName("md", "mt-8 lg:hidden")}>
            <summary className="cursor-pointer rounded text-sm font-semibold text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
              On this page
            </summary>
            <nav aria-label="On this page">
              <TableOfContents />
            </nav>
          </details>

          <Section id="overview">
            <P>
              When something happens in your organization — an invoice is paid, a user joins — we record an <em>event</em>. For
              every enabled endpoint subscribed to that event type (an endpoint with no event types selected receives all of
              them) we create one <em>delivery</em>: an HTTPS <C>POST</C> of the event to the endpoint’s URL. So each endpoint
              gets exactly one delivery per event, made of one or more <em>attempts</em>.
            </P>
            <P>
              Delivery is <strong>at least once</strong>. Events are stored before anything is sent, and a delivery is attempted
              until your server answers with a 2xx, gives a final answer, or its {ATTEMPTS} attempts — spread over about{" "}
              {roughDuration(TOTAL_RETRY_SECONDS)} — run out. Networks fail in ways neither side can see — your 2xx may never reach us — so the same delivery can arrive more
              than once, and deliveries can arrive out of order. Your receiver should:
            </P>
            <ul className="mt-4 list-disc space-y-1 pl-6 text-slate-700">
              <li>
                verify the signature over the <strong>raw</strong> body (<a className="text-indigo-700 underline" href="#verifying-signatures">how</a>);
              </li>
              <li>
                ignore a <C>webhook-id</C> it has already accepted (<a className="text-indigo-700 underline" href="#idempotency">why</a>);
              </li>
              <li>
                answer 2xx within {TIMEOUT} and do the real work afterwards (<a className="text-indigo-700 underline" href="#timeouts">details</a>).
              </li>
            </ul>
            <P>
              To send events and manage endpoints and deliveries from your own code, the JSON API is described by an OpenAPI 3.1
              document at{" "}
              <a className="text-indigo-700 underline" href="/api/openapi.json">
                <C>/api/openapi.json</C>
              </a>{" "}
              (public; generated from the same schemas the routes check requests with): every route, its parameters, body,
              answers, errors and the API key scope it needs. Load it into your API client or code generator.
            </P>
          </Section>

          <Section id="payload">
            <P>
              Every delivery’s body is a JSON envelope. It is serialised once, when the event is recorded, and those exact bytes
              are signed and sent on every attempt. We send it compact, without whitespace:
            </P>
            <CodeBlock title="The body as sent" language="json" code={EXAMPLE_BODY} />
            <P>The same envelope, formatted for reading:</P>
            <CodeBlock title="Envelope" language="json" code={prettyJson(EXAMPLE_ENVELOPE)} />
            <Table head={["Field", "Meaning"]}>
              <tr>
                <Td>
                  <C>event</C>
                </Td>
                <Td>
                  The event type, <C>resource.action</C> in lower case, e.g. <C>invoice.paid</C>.
                </Td>
              </tr>
              <tr>
                <Td>
                  <C>idempotencyKey</C>
                </Td>
                <Td>
                  Identifies the event itself; the same in the deliveries of this event to all your endpoints. To deduplicate
                  the deliveries to one endpoint, use the <C>webhook-id</C> header.
                </Td>
              </tr>
              <tr>
                <Td>
                  <C>timestamp</C>
                </Td>
                <Td>When the event happened, ISO 8601 in UTC with milliseconds. The same on every attempt.</Td>
              </tr>
              <tr>
                <Td>
                  <C>data</C>
                </Td>
                <Td>The event’s details; its shape depends on the event type (see the catalogue below).</Td>
              </tr>
            </Table>
            <P>
              Bodies are at most {bytesText(MAX_PAYLOAD_BYTES)}; make sure your body parser accepts that much.
            </P>

            <h3 id="event-catalogue" className="mt-10 scroll-mt-8 text-xl font-semibold">
              Event catalogue
            </h3>
            <P>
              The events below are the ones we emit today; more may be added at any time. Answer 2xx to event types you do not
              handle, so they are not retried. Each type&apos;s <C>data</C> has a JSON Schema (draft 2020-12), checked when the
              event is sent: an event whose data does not match is refused (<C>422 invalid_payload</C>, with the issues and where
              they are) and never reaches you. Objects may carry properties the schema does not name yet, so ignore what you do not
              know. <C>GET /api/v1/event-types</C> (with an API key) returns every type with its schema and example, to generate
              types or validate in tests.
            </P>
            <P>
              Backend code may also send types outside the catalogue (they are delivered as given, unchecked); an installation
              started with <C>WEBHOOK_UNDECLARED_EVENT_TYPES=refuse</C> refuses them with <C>422 undeclared_event_type</C>.
            </P>
            <CodeBlock title="GET /api/v1/event-types" language="bash" code={EVENT_TYPES_EXAMPLE} />
            <div className="mt-4 space-y-4">
              {EVENT_CATALOGUE.map((definition) => (
                <article key={definition.name} id={`event-${definition.name}`} className={cardClassName("md", "scroll-mt-8")}>
                  <h4 className="font-mono text-base font-semibold text-slate-900">{definition.name}</h4>
                  <p className="mt-1 text-sm text-slate-600">{definition.description}</p>
                  <CodeBlock title="data (example)" language="json" code={prettyJson(definition.example)} />
                  <details className="mt-3 text-sm">
                    <summary className="cursor-pointer text-indigo-700 hover:text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
                      JSON Schema of <C>data</C>
                    </summary>
                    <CodeBlock title="schema" language="json" code={prettyJson(publishedEventType(definition).schema)} />
                  </details>
                </article>
              ))}
            </div>
          </Section>

          <Section id="headers">
            <P>
              Each attempt carries these headers (header names are case-insensitive).
              The examples belong to the body shown above, sent to an endpoint whose secret is the example secret from the{" "}
              <a className="text-indigo-700 underline" href="#worked-example">
                worked example
              </a>
              .
            </P>
            <Table head={["Header", "Meaning", "Example"]}>
              {HEADER_ROWS.map((row) => (
                <tr key={row.name}>
                  <Td>
                    <C>{row.name}</C>
                  </Td>
                  <Td>{row.meaning}</Td>
                  <Td>
                    <code className="break-all font-mono text-xs text-slate-700">
                      {row.name === "user-agent" ? USER_AGENT : EXAMPLE_HEADERS[row.name]}
                    </code>
                  </Td>
                </tr>
              ))}
            </Table>
            <h3 id="custom-headers" className="mt-8 scroll-mt-8 text-xl font-semibold">
              Custom headers per endpoint
            </h3>
            <P>
              An endpoint can carry up to {ENDPOINT_HEADERS_MAX} headers of its own on every attempt (scheduled, redelivered or
              test), for example an <C>Authorization</C> header for a receiver behind an API gateway. Set them on the endpoint&apos;s{" "}
              <strong>Settings</strong> tab, through the JSON API or with <C>createEndpoint</C> / <C>updateEndpoint</C>. Values are
              encrypted at rest like the signing secret and never shown again after saving: pages, the API and the attempt log show{" "}
              <C>{HEADER_VALUE_MASK}</C> in their place. Names and values together may hold {bytesText(ENDPOINT_HEADERS_MAX_BYTES)}.
              Refused: <C>host</C>, <C>content-length</C>, <C>content-type</C>, <C>user-agent</C>, connection (hop-by-hop) headers,
              <C>traceparent</C> and <C>tracestate</C> (see <a className="text-indigo-700 underline" href="#trace-context">trace context</a>),
              and anything starting with <C>webhook-</C> or <C>x-webhook-</C>, which carry the id and signatures; a value must be
              printable ASCII on one line. A refusal is a <C>422 invalid_headers</C> that names the header. The signature covers the
              body, not these headers, so keep verifying signatures even behind a gateway.
            </P>
            <CodeBlock title="JSON API" language="bash" code={CUSTOM_HEADERS_EXAMPLE} />
            <CodeBlock title="Backend code" language="ts" code={CUSTOM_HEADERS_LIBRARY_EXAMPLE} />
          </Section>

          <Section id="verifying-signatures">
            <P>
              Every endpoint has a signing secret, shown in its settings: <C>whsec_</C> followed by base64. Each attempt is
              signed twice with it. Check one of the two signatures and reject the request (with a 4xx) when it does not match.
              An endpoint can sign with an Ed25519 key pair instead, so that your receiver holds no secret at all: see{" "}
              <a className="text-indigo-700 underline" href="#ed25519">
                Ed25519 signatures
              </a>
              .
            </P>

            <h3 className="mt-8 text-xl font-semibold">Standard Webhooks (recommended)</h3>
            <P>
              The <C>webhook-id</C>, <C>webhook-timestamp</C> and <C>webhook-signature</C> headers follow the{" "}
              <a className="text-indigo-700 underline hover:text-indigo-500" href="https://www.standardwebhooks.com/">
                Standard Webhooks
              </a>{" "}
              specification, which has verification libraries for many languages — for example the <C>standardwebhooks</C> npm
              package and the <C>standardwebhooks</C> PyPI package. The signature covers the id and the timestamp as well as
              the body, so together with a timestamp tolerance it also stops replays.
            </P>
            <CodeBlock title="Node.js" language="js" code={STANDARD_NODE_SNIPPET} />
            <CodeBlock title="Python (Flask)" language="python" code={STANDARD_PYTHON_SNIPPET} />
            <P>Without a library, the check is:</P>
            <ol className="mt-4 list-decimal space-y-1 pl-6 text-slate-700">
              <li>
                Take the key: base64-decode the part of the secret after <C>whsec_</C>.
              </li>
              <li>
                Build the signed content <C>{"{webhook-id}.{webhook-timestamp}.{raw body}"}</C>, joined by dots.
              </li>
              <li>Compute its HMAC-SHA256 with the key and base64-encode it (standard alphabet, padded).</li>
              <li>
                Split <C>webhook-signature</C> on spaces; accept when any entry is <C>v1,</C> followed by your value, compared in
                constant time.
              </li>
              <li>
                Reject when <C>webhook-timestamp</C> is more than 5 minutes before or after your clock.
              </li>
            </ol>
            <P>
              The <a className="text-indigo-700 underline" href="#examples">Python receiver</a> below implements exactly this
              with the standard library.
            </P>

            <h3 className="mt-8 text-xl font-semibold">Legacy: x-webhook-signature</h3>
            <P>
              <C>x-webhook-signature</C> is the lowercase hex HMAC-SHA256 of the raw body. The key is the{" "}
              <strong>whole secret string as text</strong>, <C>whsec_</C> prefix included — not the decoded bytes. It covers no
              timestamp, so it cannot stop a replayed request, and it is signed with the newest secret only. Prefer Standard
              Webhooks for new receivers.
            </P>
            <CodeBlock title="Node.js" language="js" code={LEGACY_NODE_SNIPPET} />
            <CodeBlock title="Python" language="python" code={LEGACY_PYTHON_SNIPPET} />

            <aside aria-labelledby="pitfalls-heading" className="mt-8 rounded-lg border border-amber-300 bg-amber-50 p-5">
              <h3 id="pitfalls-heading" className="font-semibold text-amber-900">
                Pitfalls
              </h3>
              <ul className="mt-2 list-disc space-y-2 pl-5 text-sm text-amber-900">
                <li>
                  <strong>Verify the raw body bytes.</strong> Never parse the JSON and serialise it again to check it: key order,
                  whitespace, number and Unicode formatting change, and so does the signature. Python’s <C>json.dumps</C>, for
                  instance, puts a space after every <C>:</C> and <C>,</C> by default, so its output can never match our compact
                  body. Use{" "}
                  <C>express.raw()</C> in Express, <C>request.get_data()</C> in Flask, <C>await request.text()</C> in a fetch-style
                  handler.
                </li>
                <li>
                  <strong>Compare in constant time</strong> (<C>crypto.timingSafeEqual</C>, <C>hmac.compare_digest</C>), never
                  with <C>==</C>: response times would tell an attacker how much of a guess was right.
                </li>
                <li>
                  <strong>Reject old and future timestamps.</strong> Accept <C>webhook-timestamp</C> only within ±5 minutes of
                  your clock (keep it synchronised with NTP). Retries carry a fresh timestamp, so this never rejects a genuine
                  retry. Do not apply the check to <C>x-webhook-timestamp</C> or the envelope’s <C>timestamp</C>: they are the
                  event’s time and stay old on retries.
                </li>
                <li>
                  <strong>Secret rotation.</strong> After a secret is rotated, the previous one keeps signing for {GRACE}: each
                  attempt then carries two <C>webhook-signature</C> entries, new secret first, and a request is genuine if{" "}
                  <em>any</em> entry matches. Switch your receiver to the new secret within that time. While you switch, you
                  may accept either secret (try each). <C>x-webhook-signature</C> is only signed with the new secret, so legacy
                  receivers must try both secrets during the switch.
                </li>
                <li>
                  <strong>A 4xx is final.</strong> A request you reject is not retried, so a wrong secret in your configuration
                  loses deliveries (they can be sent again from the delivery history once it is fixed). Answer 5xx instead when
                  the failure is on your side and temporary.
                </li>
              </ul>
              <p className="mt-3 text-sm text-amber-900">Example of a header during a rotation:</p>
              <code className="mt-1 block break-all rounded bg-white/60 p-2 font-mono text-xs text-amber-950">
                webhook-signature: {EXAMPLE_ROTATION_SIGNATURE}
              </code>
            </aside>

            <h3 id="worked-example" className="mt-8 scroll-mt-8 text-xl font-semibold">
              Worked example
            </h3>
            <P>
              Use these values as a test vector: with its clock set to the timestamp (or the tolerance check left out), your
              verifier must accept them, and reject them after changing any byte of the body. They are computed by the same code
              that signs real deliveries.
            </P>
            <Table head={["Input", "Value"]}>
              <VectorRow name="secret" value={EXAMPLE_SECRET} />
              <VectorRow name="webhook-id" value={EXAMPLE_DELIVERY_ID} />
              <VectorRow name="webhook-timestamp" value={EXAMPLE_HEADERS["webhook-timestamp"] ?? ""} />
              <VectorRow name="body" value={EXAMPLE_BODY} />
              <VectorRow name="webhook-signature" value={EXAMPLE_HEADERS["webhook-signature"] ?? ""} />
              <VectorRow name="x-webhook-signature" value={EXAMPLE_HEADERS["x-webhook-signature"] ?? ""} />
            </Table>
          </Section>

          <Section id="ed25519">
            <P>
              An endpoint can sign with an Ed25519 key pair instead of a shared secret: the{" "}
              <a className="text-indigo-700 underline hover:text-indigo-500" href="https://www.standardwebhooks.com/">
                Standard Webhooks
              </a>{" "}
              asymmetric signature, <C>v1a</C>. We keep the private key, encrypted, and it is never shown to anyone; your
              receiver holds only the public key, <C>whpk_</C> followed by the standard base64 of the raw 32-byte key.
            </P>

            <h3 className="mt-8 text-xl font-semibold">When to choose it</h3>
            <P>
              Whoever holds a shared secret can sign with it: a <C>whsec_</C> secret that leaks from your receiver — its
              configuration, a log, a backup — lets its finder forge webhooks your receiver accepts. A public key signs
              nothing. If it leaks from your side, nobody can forge a webhook with it, and you can give it to every service
              that needs to check our requests. Choose Ed25519 when the receiver, or the people around it, should not be able
              to produce our signatures; keep HMAC when a Standard Webhooks library should do the check for you (the{" "}
              <C>standardwebhooks</C> npm package, for one, checks <C>v1</C> entries only).
            </P>

            <h3 className="mt-8 text-xl font-semibold">How to choose it</h3>
            <P>
              Pick <strong>Ed25519 (public key)</strong> under <strong>Signatures</strong> when you add the endpoint, or switch
              an existing endpoint under <strong>Signature scheme</strong> on its signing tab. Through the JSON API, send{" "}
              <C>{`"signatureScheme": "ed25519"`}</C> to <C>POST /api/webhooks/endpoints</C> or{" "}
              <C>PATCH /api/webhooks/endpoints/[id]</C>: the answer carries <C>endpoint.publicKey</C> and no secret.
            </P>
            <CodeBlock title="JSON API" language="bash" code={ED25519_API_EXAMPLE} />

            <h3 className="mt-8 text-xl font-semibold">Where to get the public key</h3>
            <P>
              On the endpoint&apos;s <strong>Signing key</strong> tab, to copy or to download as a PEM file; any member may
              see it, since it is not secret. Or from <C>GET /api/webhooks/endpoints/[id]/public-key</C> (an API key needs{" "}
              <C>endpoints:read</C>): JSON <C>{"{publicKey, pem}"}</C>, or with <C>?format=pem</C> the PEM file itself, the
              SubjectPublicKeyInfo form that OpenSSL, Java and Go load. The create, read and rotate answers carry it as{" "}
              <C>publicKey</C> too.
            </P>

            <h3 className="mt-8 text-xl font-semibold">What changes in the requests</h3>
            <ul className="mt-4 list-disc space-y-2 pl-6 text-slate-700">
              <li>
                <C>webhook-signature</C> holds <C>v1a,</C> followed by the standard base64 of the 64-byte Ed25519 signature of
                the UTF-8 bytes <C>{"{webhook-id}.{webhook-timestamp}.{raw body}"}</C>: the same signed content as <C>v1</C>,
                the same 5-minute timestamp tolerance, the same <C>webhook-id</C> to deduplicate on.
              </li>
              <li>
                There is <strong>no <C>x-webhook-signature</C></strong>: it is an HMAC with a shared secret, and such an
                endpoint has none.
              </li>
              <li>
                <strong>Rotation</strong> works as for a secret. Rotating makes a new key pair, and the previous private key
                keeps signing for {GRACE}: each attempt then carries two <C>v1a</C> entries, the new key&apos;s first, and a
                request is genuine when <em>any</em> entry verifies with the public key you hold. Give your receiver the new
                public key within that time. Rotating with <C>{`{"graceSeconds": 0}`}</C> stops the old key at once.
              </li>
              <li>
                <strong>Switching from HMAC</strong> works the same way: for {GRACE} the old secret keeps signing beside the
                new key, so <C>webhook-signature</C> holds a <C>v1a</C> and a <C>v1</C> entry and <C>x-webhook-signature</C>{" "}
                is still sent. A receiver holding the secret keeps working meanwhile; one holding the public key checks the{" "}
                <C>v1a</C> entries and ignores the rest.
              </li>
            </ul>

            <h3 className="mt-8 text-xl font-semibold">Verifying</h3>
            <P>
              Decode the public key (the base64 after <C>whpk_</C> is the raw 32 bytes); reject a <C>webhook-timestamp</C>{" "}
              more than 5 minutes from your clock; build the signed content from the raw body; accept when any <C>v1a</C>{" "}
              entry, base64-decoded to 64 bytes, is a valid Ed25519 signature of it. There is no constant-time comparison to
              get right, since no secret is involved. Both snippets are, word for word, the functions of the complete
              receivers in the project&apos;s <C>examples/receivers</C> folder, which its tests run against real deliveries.
            </P>
            <CodeBlock title="Node.js (node:crypto, no dependencies)" language="js" code={ED25519_NODE_SNIPPET} />
            <CodeBlock title="Python (cryptography)" language="python" code={ED25519_PYTHON_SNIPPET} />
            <P>
              The Python snippet needs the <C>cryptography</C> package, version 38 or later: <C>apt-get install
              python3-cryptography</C> on Debian 12 and Ubuntu, otherwise <C>pip install cryptography</C>.
            </P>

            <h3 id="ed25519-worked-example" className="mt-8 scroll-mt-8 text-xl font-semibold">
              Worked example
            </h3>
            <P>
              The attempt of the{" "}
              <a className="text-indigo-700 underline" href="#worked-example">
                worked example
              </a>{" "}
              above, same body, id and timestamp, sent by an endpoint signing with a made-up key pair. With its clock set to
              the timestamp (or the tolerance check left out), your verifier must accept it with this public key and reject it
              after any byte of the body changes.
            </P>
            <Table head={["Input", "Value"]}>
              <VectorRow name="public key" value={EXAMPLE_PUBLIC_KEY} />
              <VectorRow name="webhook-id" value={EXAMPLE_DELIVERY_ID} />
              <VectorRow name="webhook-timestamp" value={EXAMPLE_ED25519_HEADERS["webhook-timestamp"] ?? ""} />
              <VectorRow name="body" value={EXAMPLE_BODY} />
              <VectorRow name="webhook-signature" value={EXAMPLE_ED25519_HEADERS["webhook-signature"] ?? ""} />
            </Table>
          </Section>

          <Section id="retries">
            <P>
              A delivery is attempted up to {ATTEMPTS} times: {scheduleInWords(RETRY_SCHEDULE_SECONDS)}. Each wait is spread by {JITTER} at random, so many failing deliveries do not all come back at the
              same moment. Retries are durable: they survive restarts on our side.
            </P>
            <Table head={["Attempt", `Wait after the previous attempt (${JITTER})`, "Roughly after the event"]}>
              {SCHEDULE_ROWS.map((row) => (
                <tr key={row.attempt}>
                  <Td>{row.attempt}</Td>
                  <Td>{row.attempt === 1 ? "— (sent as soon as the event is recorded)" : humaniseSeconds(row.delay)}</Td>
                  <Td>{row.elapsed === 0 ? "at once" : roughDuration(row.elapsed)}</Td>
                </tr>
              ))}
            </Table>
            <P>After the last attempt fails, the delivery is marked failed. It can still be sent again from the delivery history.</P>

            <h3 className="mt-8 text-xl font-semibold">What counts as success</h3>
            <Table head={["Your endpoint…", "What happens"]}>
              {OUTCOMES.map((outcome, index) => (
                <tr key={index}>
                  <Td>{outcome.answer}</Td>
                  <Td>{outcome.result}</Td>
                </tr>
              ))}
            </Table>

            <h3 className="mt-8 text-xl font-semibold">Retry-After</h3>
            <P>
              On a 429 or 503 answer, a <C>Retry-After</C> header (seconds, or an HTTP date) replaces the scheduled wait before
              the next attempt, clamped to between the scheduled wait and {durationText(MAX_RETRY_AFTER_SECONDS)}: you can slow
              us down, but not hurry us, nor park a delivery for longer. It does not add attempts.
            </P>

            <h3 className="mt-8 text-xl font-semibold">Circuit breaker</h3>
            <P>
              After {CIRCUIT_OPEN_AFTER_FAILURES} failed attempts in a row to one endpoint (counting all its deliveries), we
              pause it. Its deliveries wait without using up attempts. After a cooldown of {durationText(CIRCUIT_COOLDOWN_SECONDS)}{" "}
              — doubling after every failed probe, up to {durationText(CIRCUIT_MAX_COOLDOWN_SECONDS)} — a single delivery is
              sent as a probe; when it succeeds, the endpoint is back to normal and the waiting deliveries follow.
            </P>

            <h3 className="mt-8 text-xl font-semibold">Disabled endpoints</h3>
            <P>
              An endpoint that has not had one successful attempt for {humaniseSeconds(DISABLE_AFTER_FAILING_SECONDS)} is
              disabled at its next failure, as is one that answers <C>410 Gone</C>. Disabling cancels its pending deliveries,
              and a disabled endpoint receives nothing until someone enables it again in the webhook settings.
            </P>
            <h3 id="replay" className="mt-8 scroll-mt-8 text-xl font-semibold">
              Replaying what was missed
            </h3>
            <P>
              Nothing is lost while an endpoint is disabled: each event it subscribes to still gets a delivery, recorded as{" "}
              <strong>cancelled</strong> with the reason <C>endpoint_disabled</C> (shown in the delivery history, and left out of
              success rates, which count only attempted deliveries). Deliveries pending when it was disabled are kept the same way.
              When the endpoint is enabled again, its Settings tab offers to replay the events since it was disabled. Replayed
              deliveries go through the normal queue — with a fresh retry schedule, the endpoint&apos;s order by key and rate limit —
              and each keeps its own <C>webhook-id</C>, so a receiver that saw one before can still recognise it. Nothing is resent
              until someone asks. The Danger zone&apos;s &ldquo;Recover failed deliveries since …&rdquo; is the same operation with
              another filter: failed and cancelled deliveries created since a time you choose.
            </P>
            <CodeBlock title="JSON API" language="bash" code={REPLAY_EXAMPLE} />
          </Section>

          <Section id="idempotency">
            <P>
              Because delivery is at least once, your receiver will sometimes see the same delivery twice. Deduplicate on the{" "}
              <C>webhook-id</C> header: it is the same on every retry of a delivery and when a delivery is sent again by hand
              from the delivery history. Store the ids you have accepted (a table with a unique index works well) and answer a
              repeat with 2xx without processing it again. Keep them well beyond the {roughDuration(TOTAL_RETRY_SECONDS)} of
              retries, since a manual redelivery can come later.
            </P>
            <P>
              Two different endpoints receive the same event under different <C>webhook-id</C>s; the envelope’s{" "}
              <C>idempotencyKey</C> is the same in both if you need to deduplicate across endpoints.
            </P>
            <P>
              Events can arrive <strong>out of order</strong>: a retried delivery can land after a newer event, and deliveries
              are sent in parallel. Use the envelope’s <C>timestamp</C> (when the event happened) to order them — for example,
              ignore a <C>subscription.updated</C> older than the last one you applied — or fetch the current state when the order
              matters. Or ask for an endpoint that delivers <a className="text-indigo-700 underline" href="#delivery-controls">in order by key</a>.
            </P>
          </Section>

          <Section id="delivery-controls">
            <P>
              Each endpoint has three delivery controls, set on its <strong>Settings</strong> tab in the webhook settings, through the
              JSON API, or from backend code with <C>createEndpoint</C> and <C>updateEndpoint</C>. They are kept in the database, so
              they hold however many delivery workers run.
            </P>
            <h3 className="mt-8 text-xl font-semibold">Ordered delivery by key</h3>
            <P>
              On an endpoint set to <C>ordering: &quot;ordered&quot;</C>, events sent with the same <C>orderingKey</C> (say, a
              customer or an order id) are delivered one at a time, strictly in the order they were sent: the next is not attempted
              until the one before it was accepted (2xx), gave up, or was cancelled. A failing delivery holds back only its own key;
              other keys go on in parallel. Events sent without a key form one queue of their own. A redelivery by hand is the one
              exception: it is sent at once, outside the order, and the page that offers it says so.
            </P>
            <CodeBlock title="Backend code" language="ts" code={ORDERING_LIBRARY_EXAMPLE} />
            <CodeBlock title="Ingest API" language="bash" code={ORDERING_INGEST_EXAMPLE} />
            <h3 className="mt-8 text-xl font-semibold">Rate limit</h3>
            <P>
              <C>rateLimitPerSecond</C> ({RATE_LIMIT_MIN_PER_SECOND}–{RATE_LIMIT_MAX_PER_SECOND}, or <C>null</C> for none): at most that
              many attempts start in any one-second window, counting retries, redeliveries and test sends. Attempts are spaced{" "}
              {RATE_SPACING_NUMERATOR_US / 1_000_000} s ÷ the limit apart, so about 95 % of the limit is used and 50 ms of network
              delay cannot push one more request into a second at your end. Waiting for the limit uses up no attempt; a{" "}
              <C>429</C> with <C>Retry-After</C> from your server is still honoured.
            </P>
            <CodeBlock title="PATCH /api/webhooks/endpoints/ep_…" language="json" code={CONTROLS_PATCH_EXAMPLE} />
            <h3 className="mt-8 text-xl font-semibold">Retry presets</h3>
            <Table head={["retryPreset", "Attempts", "Waits after each failed attempt"]}>
              {PRESET_ROWS.map((row) => (
                <tr key={row.name}>
                  <Td>
                    <C>{row.name}</C>
                  </Td>
                  <Td>{row.schedule.length === 1 ? "1 (no retries)" : `${row.schedule.length}, over about ${roughDuration(row.schedule.reduce((sum, delay) => sum + delay, 0))}`}</Td>
                  <Td>{row.schedule.length === 1 ? "—" : row.schedule.slice(1).map((delay) => humaniseSeconds(delay)).join(", ")}</Td>
                </tr>
              ))}
            </Table>
            <P>
              <C>standard</C> is the schedule in <a className="text-indigo-700 underline" href="#retries">Retries and failures</a>; a
              change of preset applies from a delivery&apos;s next failure.
            </P>
            <h3 id="trace-context" className="mt-8 scroll-mt-8 text-xl font-semibold">
              Trace context (<C>traceparent</C>)
            </h3>
            <P>
              With <C>sendTraceparent: true</C> (off by default; &ldquo;Send traceparent header&rdquo; on the Settings tab) every attempt
              carries a{" "}
              <a className="text-indigo-700 underline" href="https://www.w3.org/TR/trace-context/">
                W3C trace context
              </a>{" "}
              header, <C>traceparent: 00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;</C>. A receiver instrumented with OpenTelemetry picks
              it up and its handling of the webhook joins the trace of the event, from the request that sent it; without tracing you can
              still log it to tell attempts apart. Each attempt has its own span id; retries of one event share the trace id. The header
              is not signed — the signatures cover the body only — so treat it as a hint for correlation, never as proof of anything.
            </P>
          </Section>

          <Section id="batch-send">
            <P>
              Producers with many events at once — an import, a nightly job — can send up to {BATCH_MAX_ITEMS} of them in one request of
              at most {bytesText(BATCH_MAX_BODY_BYTES)}, each item what <C>POST /api/v1/events</C> takes. They are stored together, by one
              write. Your endpoint still receives each event as its own delivery, with its own <C>webhook-id</C>; the events of a batch share
              one <C>timestamp</C>, and events with the same <C>orderingKey</C> are queued in the order of the batch.
            </P>
            <CodeBlock title="POST /api/v1/events/batch" language="bash" code={BATCH_INGEST_EXAMPLE} />
            <CodeBlock title="200 OK" language="json" code={BATCH_RESPONSE_EXAMPLE} />
            <P>
              Each result, in the order of the items, says what that item alone would have got: <C>202</C> stored, <C>200</C> a repeat of an
              idempotency key (sent before, or earlier in the same batch: the first one counts), <C>400</C> malformed (with the{" "}
              <C>issues</C>), <C>422</C> refused, <C>413</C> over {bytesText(MAX_PAYLOAD_BYTES)}. A bad item never holds back the others.
              The whole request fails only when the body is not JSON or has no <C>items</C> array (<C>400</C>), holds more than{" "}
              {BATCH_MAX_ITEMS} items or {bytesText(BATCH_MAX_BODY_BYTES)} (<C>413</C>), or passes the ingest rate limits (<C>429</C>): a
              batch counts as many events as it holds. Each item&apos;s <C>data</C> is delivered byte for byte as sent.
            </P>
            <CodeBlock title="Backend code" language="ts" code={BATCH_LIBRARY_EXAMPLE} />
          </Section>

          <Section id="timeouts">
            <P>
              An attempt has {TIMEOUT} in total to connect, send, and receive your status line, headers and body. Anything
              slower counts as a failure and is retried — so a handler that does its work before answering can end up running it
              several times. Answer with a 2xx as soon as the request is verified and stored, and do the work asynchronously
              (a job queue, a background worker).
            </P>
            <P>
              Only the status code (and <C>Retry-After</C>) decides the outcome; the response body is not interpreted. We record the status, the headers
              and the first {RESPONSE_CAP} of the body of every attempt, shown in the delivery history to the people who manage
              your webhooks. The rest is never downloaded. Keep responses short, and keep secrets out of them.
            </P>
          </Section>

          <Section id="testing">
            <P>
              In the webhook settings, <strong>Send test event</strong> sends a <C>webhook.test</C> event to one endpoint right
              away — signed like any other delivery, with a new <C>webhook-id</C> each time. The delivery history then shows
              every attempt: the request headers we sent (signature values masked), your status code, response headers, the
              first {RESPONSE_CAP} of your response body, the duration, and the error when no response came.
            </P>
            <P>
              Endpoint URLs must be reachable from the internet. In production they must use <C>https://</C>; URLs with a user
              name or password, <C>localhost</C>, and private, loopback or link-local addresses are refused — including host
              names that resolve to such addresses, which are checked on every connection. To receive webhooks on your
              machine, run a tunnel (for example ngrok or Cloudflare Tunnel) that gives your local server a public HTTPS URL,
              and register that URL as the endpoint.
            </P>
            <P>
              To test your verification code without any network, use the{" "}
              <a className="text-indigo-700 underline" href="#worked-example">
                worked example
              </a>{" "}
              above, or sign your own requests with the <C>sign</C> method of a Standard Webhooks library.
            </P>
          </Section>

          <Section id="examples">
            <P>
              Two complete receivers that verify the Standard Webhooks signature over the raw body, deduplicate on{" "}
              <C>webhook-id</C>, and answer 2xx before doing the work. Both read the secret from the <C>WEBHOOK_SECRET</C>{" "}
              environment variable. For an endpoint that signs with Ed25519, replace their signature check with the functions
              in{" "}
              <a className="text-indigo-700 underline" href="#ed25519">
                Ed25519 signatures
              </a>
              .
            </P>
            <h3 className="mt-8 text-xl font-semibold">Node.js (Express)</h3>
            <CodeBlock title="server.mjs" language="js" code={NODE_RECEIVER} />
            <h3 className="mt-8 text-xl font-semibold">Python (Flask, standard library only for the check)</h3>
            <CodeBlock title="app.py" language="python" code={PYTHON_RECEIVER} />
          </Section>

          <Section id="troubleshooting">
            <Troubleshooting timeout={TIMEOUT} />
          </Section>
        </main>
      </div>
    </>
  );
}

/** The sections as links to their ids; the wide screen's sticky sidebar and the narrow screen's list at the top. */
function TableOfContents() {
  return (
    <ol className="mt-3 space-y-1 text-sm">
      {SECTIONS.map((section, index) => (
        <li key={section.id}>
          <a
            href={`#${section.id}`}
            className="block rounded px-2 py-1 text-slate-700 hover:bg-slate-100 hover:text-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
          >
            {index + 1}. {section.title}
          </a>
        </li>
      ))}
    </ol>
  );
}

function Section({ id, children }: { id: SectionId; children: ReactNode }) {
  const index = SECTIONS.findIndex((section) => section.id === id);
  const title = SECTIONS[index]?.title ?? id;
  return (
    <section aria-labelledby={id} className="mt-16 border-t border-slate-200 pt-10">
      <h2 id={id} className="scroll-mt-8 text-2xl font-bold tracking-tight">
        <a href={`#${id}`} className="hover:text-indigo-700">
          {index + 1}. {title}
        </a>
      </h2>
      {children}
    </section>
  );
}

function P({ children }: { children: ReactNode }) {
  return <p className="mt-4 leading-7 text-slate-700">{children}</p>;
}

function Table({ head, children }: { head: string[]; children: ReactNode }) {
  return (
    <div className={cardClassName("none", "mt-4 overflow-x-auto")}>
      <table className="w-full border-collapse text-left text-sm">
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            {head.map((cell) => (
              <th key={cell} scope="col" className="border-b border-slate-200 px-4 py-2 font-semibold">
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 align-top">{children}</tbody>
      </table>
    </div>
  );
}

function Td({ children }: { children: ReactNode }) {
  return <td className="border-slate-200 px-4 py-2 text-slate-700 [&:not(:last-child)]:border-r">{children}</td>;
}

function VectorRow({ name, value }: { name: string; value: string }) {
  return (
    <tr>
      <Td>
        <C>{name}</C>
      </Td>
      <Td>
        <code className="break-all font-mono text-xs text-slate-800">{value}</code>
      </Td>
    </tr>
  );
}
