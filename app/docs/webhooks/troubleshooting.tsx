import type { ReactNode } from "react";
import {
  CERTIFICATE_WARNING_DAYS,
  dnsFailureFix,
  responseFix,
  SIGNATURE_REJECTED_FIX,
  tcpFailureFix,
  tlsFailureFix,
  TROUBLESHOOTING_ANCHORS,
} from "@/lib/webhooks/diagnose-advice";
import { signStandardWebhook } from "@/lib/webhooks/sign";
import { C, CodeBlock } from "./code-block";
import { EXAMPLE_DELIVERY_ID, EXAMPLE_SECRET } from "./examples";

/**
 * The troubleshooting guide: the checks Diagnose runs, in its order, with the same words
 * (lib/webhooks/diagnose-advice.ts), then the problems a working connection can still have —
 * signatures that do not verify (with the exact bytes), duplicates, and timeouts.
 */

const HOST = "hooks.example.com";
const TIMESTAMP = 1_768_469_400;

/** One body three ways: as we send it, and as two common mistakes turn it before verifying. */
const SENT = '{"event":"invoice.paid","data":{"amount":10.50,"note":"café"}}';
const REPARSED = JSON.stringify(JSON.parse(SENT));
const PYTHON_DUMPS = '{"event": "invoice.paid", "data": {"amount": 10.5, "note": "caf\\u00e9"}}';
const signatureOf = (body: string) => signStandardWebhook({ messageId: EXAMPLE_DELIVERY_ID, timestamp: TIMESTAMP, body, secrets: [EXAMPLE_SECRET] });
const BYTE_ROWS = [
  { label: "As sent (verify these bytes)", body: SENT },
  { label: "JSON.parse then JSON.stringify", body: REPARSED },
  { label: "Python json.loads then json.dumps", body: PYTHON_DUMPS },
  { label: "A framework that adds a newline", body: `${SENT}\n` },
].map((row) => ({ ...row, bytes: Buffer.byteLength(row.body, "utf8"), signature: signatureOf(row.body) }));

const RAW_BODY_EXAMPLE = `// Express: keep the raw bytes for this route; parse only after verifying.
app.post("/webhooks", express.raw({ type: "application/json" }), (req, res) => {
  const body = req.body.toString("utf8");            // exactly what we sent
  if (!verify(req.headers, body)) return res.sendStatus(401);
  const event = JSON.parse(body);                     // now it is safe to parse
  // …
});

// Next.js route handler
export async function POST(request: Request) {
  const body = await request.text();                  // not request.json()
  // …
}`;

const DEDUPE_EXAMPLE = `-- One row per delivery you accepted; the primary key does the deduplication.
CREATE TABLE webhook_inbox (
  webhook_id  text PRIMARY KEY,          -- the webhook-id header (msg_…)
  event_type  text NOT NULL,
  body        jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);

INSERT INTO webhook_inbox (webhook_id, event_type, body)
VALUES ($1, $2, $3)
ON CONFLICT (webhook_id) DO NOTHING;     -- a retry or a redelivery: already have it`;

const ASYNC_RECEIVER_EXAMPLE = `app.post("/webhooks", express.raw({ type: "application/json" }), async (req, res) => {
  const body = req.body.toString("utf8");
  if (!verify(req.headers, body)) return res.sendStatus(401);

  // 1. Store it (deduplicated on webhook-id) — milliseconds.
  await db.query(
    "INSERT INTO webhook_inbox (webhook_id, event_type, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    [req.headers["webhook-id"], req.headers["x-webhook-event"], body],
  );
  // 2. Answer at once: the delivery is done as far as we are concerned.
  res.sendStatus(202);
});

// 3. A worker does the real work, as slowly as it needs, and retries on its own terms.
setInterval(async () => {
  const { rows } = await db.query(
    "UPDATE webhook_inbox SET processed_at = now() WHERE webhook_id IN (SELECT webhook_id FROM webhook_inbox WHERE processed_at IS NULL ORDER BY received_at LIMIT 10 FOR UPDATE SKIP LOCKED) RETURNING *",
  );
  for (const row of rows) await handle(row.event_type, row.body);
}, 1000);`;

function P({ children }: { children: ReactNode }) {
  return <p className="mt-4 leading-7 text-slate-700">{children}</p>;
}

function H3({ id, children }: { id: string; children: ReactNode }) {
  return (
    <h3 id={id} className="mt-10 scroll-mt-8 text-xl font-semibold">
      <a href={`#${id}`} className="hover:text-indigo-700">
        {children}
      </a>
    </h3>
  );
}

/** "What Diagnose says" → "What to do", from the very functions Diagnose uses. */
function Findings({ rows }: { rows: { summary: string; fix: string }[] }) {
  return (
    <dl className="mt-4 space-y-3">
      {rows.map((row) => (
        <div key={row.summary} className="rounded-md border border-slate-200 p-3 text-sm">
          <dt className="font-medium text-slate-900">{row.summary}</dt>
          <dd className="mt-1 text-slate-700">{row.fix}</dd>
        </div>
      ))}
    </dl>
  );
}

/** `timeout`: a delivery attempt's deadline in words ("30 seconds"). */
export function Troubleshooting({ timeout }: { timeout: string }) {
  return (
    <>
      <P>
        Start with <strong>Diagnose</strong>: on an endpoint&apos;s page (
        {/* A route handler that redirects to the viewer's organization, not a page: a full navigation. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/settings/webhooks" className="text-indigo-700 underline hover:text-indigo-500">
          your endpoints
        </a>
        , then the endpoint), owners and admins press <strong>Diagnose</strong>. It runs the checks below in order against the endpoint, from our servers, through the
        same network guard as every delivery: DNS, the TCP connection, the TLS certificate, then a signed test request
        (kept in the delivery history like <strong>Send test event</strong>) and whether your server accepted its signature.
        Each step shows how long it took, what it found, and links back here. The first failed step is the one to fix.
      </P>

      <H3 id={TROUBLESHOOTING_ANCHORS.dns}>Not received: the name does not resolve, or resolves to a private address</H3>
      <P>
        We resolve the endpoint&apos;s host name on every connection and check <em>every</em> address it returns. Webhooks go
        only to public addresses: a name with any private, loopback or link-local address among its answers is refused as a
        whole, because that is how DNS rebinding hides an internal target.
      </P>
      <Findings
        rows={[
          dnsFailureFix(HOST, "ENOTFOUND", []),
          dnsFailureFix(HOST, "BLOCKED_ADDRESS", [{ address: "10.0.3.7", family: 4, allowed: false, refusal: "private" }]),
          dnsFailureFix(HOST, "BLOCKED_ADDRESS", [{ address: "169.254.169.254", family: 4, allowed: false, refusal: "metadata" }]),
        ]}
      />

      <H3 id={TROUBLESHOOTING_ANCHORS.connect}>Not received: the connection is refused or times out (firewall)</H3>
      <P>
        Once the name resolves we open a TCP connection to the URL&apos;s port (443 for https unless the URL says otherwise).
        A refusal means nothing listens there; silence usually means a firewall drops us.
      </P>
      <Findings rows={[tcpFailureFix("203.0.113.10", 443, "ECONNREFUSED"), tcpFailureFix("203.0.113.10", 443, "ETIMEDOUT")]} />

      <H3 id={TROUBLESHOOTING_ANCHORS.tls}>Not received: the TLS certificate</H3>
      <P>
        Every certificate is verified — its chain to a public authority, its dates and its host name — on every attempt,
        and the check cannot be turned off. A certificate that works in a browser can still fail here: browsers fetch missing
        intermediates and cache them. We also read each https endpoint&apos;s certificate once a day: when it is within{" "}
        {CERTIFICATE_WARNING_DAYS} days of expiring, the organization&apos;s owners and admins get an alert, so it is renewed
        before deliveries start failing.
      </P>
      <Findings
        rows={[
          tlsFailureFix(HOST, 443, "CERT_HAS_EXPIRED", [HOST], new Date("2026-11-30T12:00:00Z"), null),
          tlsFailureFix(HOST, 443, "ERR_TLS_CERT_ALTNAME_INVALID", ["www.example.com"], null, null),
          tlsFailureFix(HOST, 443, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", [], null, null),
          tlsFailureFix(HOST, 443, "DEPTH_ZERO_SELF_SIGNED_CERT", [], null, null),
          tlsFailureFix(HOST, 443, "ERR_SSL_WRONG_VERSION_NUMBER", [], null, null),
        ]}
      />
      <CodeBlock title="See what your server presents" language="sh" code={`openssl s_client -connect ${HOST}:443 -servername ${HOST} -showcerts </dev/null \\\n  | openssl x509 -noout -subject -issuer -dates -ext subjectAltName`} />

      <H3 id={TROUBLESHOOTING_ANCHORS.response}>Received, but not accepted: your server&apos;s answer</H3>
      <P>
        Only a 2xx within {timeout} counts as delivered. Diagnose shows the status, the time it took and the start of your
        response body. What the usual answers mean:
      </P>
      <Findings
        rows={[301, 404, 405, 413, 500].map((status) => ({ summary: `HTTP ${status}`, fix: responseFix(status, EXAMPLE_DELIVERY_ID) }))}
      />

      <H3 id={TROUBLESHOOTING_ANCHORS.signature}>Signature verification failing</H3>
      <P>
        When your server answers 401 or 403 (or a 400 that mentions the signature), Diagnose reports the signature step as
        failed. {SIGNATURE_REJECTED_FIX}
      </P>
      <P>
        The most common cause by far is verifying bytes other than the ones we sent. The signature covers the body exactly
        as it arrived; a parser that reads it and a serialiser that writes it back produce <em>different bytes</em> — here
        with the worked example&apos;s secret, <C>webhook-id</C> {EXAMPLE_DELIVERY_ID} and <C>webhook-timestamp</C> {TIMESTAMP}:
      </P>
      <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200">
        <table className="w-full border-collapse text-left text-sm">
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              <th scope="col" className="px-4 py-2 font-semibold">
                Body
              </th>
              <th scope="col" className="px-4 py-2 font-semibold">
                Bytes
              </th>
              <th scope="col" className="px-4 py-2 font-semibold">
                webhook-signature it gives
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 align-top">
            {BYTE_ROWS.map((row) => (
              <tr key={row.label} data-testid="signature-bytes-row">
                <td className="px-4 py-2 text-slate-700">
                  <span className="block font-medium">{row.label}</span>
                  <code className="mt-1 block whitespace-pre-wrap break-all font-mono text-xs text-slate-800">{row.body.endsWith("\n") ? `${row.body.slice(0, -1)}↵` : row.body}</code>
                </td>
                <td className="px-4 py-2 font-mono text-slate-700">{row.bytes}</td>
                <td className="px-4 py-2">
                  <code className="break-all font-mono text-xs text-slate-800">{row.signature}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <P>
        Only the first row verifies. <C>10.50</C> became <C>10.5</C>, <C>é</C> became <C>\u00e9</C>, spaces or a newline
        appeared: each changes the signature completely. Read the raw body, verify it, and parse it only afterwards:
      </P>
      <CodeBlock title="Verify the raw body" language="js" code={RAW_BODY_EXAMPLE} />

      <H3 id={TROUBLESHOOTING_ANCHORS.duplicates}>The same event arrives twice</H3>
      <P>
        Delivery is at least once. A retry after a timeout (your server did the work but answered too late), a lost 2xx, or
        a manual redelivery sends the same delivery again with the <strong>same</strong> <C>webhook-id</C>. Each endpoint gets
        its own delivery (and id) per event, so two endpoints of yours pointing at one server see two ids. Deduplicate on{" "}
        <C>webhook-id</C> in the same transaction as your side effects:
      </P>
      <CodeBlock title="Deduplicate on webhook-id" language="sql" code={DEDUPE_EXAMPLE} />

      <H3 id={TROUBLESHOOTING_ANCHORS.timeouts}>Timeouts, and the async-receiver pattern</H3>
      <P>
        An attempt that gets no complete answer within {timeout} is a failure and is retried — even if your server finished
        the work a moment later, which is how slow handlers cause duplicates. Do not do the work before answering: verify,
        store, answer 2xx, then process from your own queue. Diagnose warns when the test request takes more than a few
        seconds.
      </P>
      <CodeBlock title="Verify, store, answer, then work" language="js" code={ASYNC_RECEIVER_EXAMPLE} />
    </>
  );
}
