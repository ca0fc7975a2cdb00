"use client";

import { useEffect, useState } from "react";
import { apiFetch, errorMessage } from "@/app/_components/api";
import { Badge } from "@/app/_components/badge";
import { EmptyState } from "@/app/_components/empty-state";
import { HeadersTable } from "@/app/_components/headers-table";
import { DateTime } from "@/app/_components/time";
import { cardClassName } from "@/app/_components/card";
import type { InboxRequestView } from "@/lib/dev-inbox/inbox";

/** How often the page asks for new requests. */
const POLL_INTERVAL_MS = 2000;

const summaryClass = "cursor-pointer text-sm font-medium text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600";
const preClass =
  "mt-2 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400";

/** Newest first, one entry per request, at most `keep`. */
function merge(fresh: InboxRequestView[], current: InboxRequestView[], keep: number): InboxRequestView[] {
  const seen = new Set(fresh.map((request) => request.id));
  return [...fresh, ...current.filter((request) => !seen.has(request.id))].sort((a, b) => b.seq - a.seq).slice(0, keep);
}

function bodyBytes(request: InboxRequestView): number {
  if (request.bodyEncoding === "base64") return Math.floor((request.body.length * 3) / 4) - (request.body.match(/=+$/)?.[0].length ?? 0);
  return new TextEncoder().encode(request.body).length;
}

function SignatureBadge({ name, valid }: { name: string; valid: boolean | null }) {
  if (valid === null) {
    return (
      <Badge
        tone="gray"
        title="No endpoint of this organization points at this inbox, or the one that does signs with Ed25519 only and sends no such header: nothing to check against"
      >
        {name}: not checked
      </Badge>
    );
  }
  return (
    <Badge tone={valid ? "green" : "red"} dot title={valid ? "Verified with the endpoint's secret or key" : "Does not match the endpoint's secret or key"}>
      {name}: {valid ? "valid" : "invalid"}
    </Badge>
  );
}

function RequestItem({ request }: { request: InboxRequestView }) {
  const headers = Object.entries(request.headers).sort(([a], [b]) => a.localeCompare(b));
  const bytes = bodyBytes(request);
  return (
    <li className={cardClassName("md")}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <Badge tone="indigo">{request.method}</Badge>
        <h3 className="font-mono text-sm font-semibold">{request.eventType ?? "no event type"}</h3>
        <SignatureBadge name="x-webhook-signature" valid={request.legacySignatureValid} />
        <SignatureBadge name="webhook-signature" valid={request.standardSignatureValid} />
        <span className="ml-auto text-sm text-slate-500">
          #{request.seq} · <DateTime value={request.receivedAt} />
        </span>
      </div>
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-slate-500">webhook-id</dt>
        <dd className="break-all font-mono">{request.webhookId ?? <span className="text-slate-500">none</span>}</dd>
        {request.headers["webhook-timestamp"] ? (
          <>
            <dt className="text-slate-500">webhook-timestamp</dt>
            <dd className="font-mono">{request.headers["webhook-timestamp"]}</dd>
          </>
        ) : null}
      </dl>
      <details className="mt-4">
        <summary className={summaryClass}>Headers ({headers.length})</summary>
        <div className="mt-2">
          <HeadersTable headers={headers} caption={`Headers of request ${request.seq}`} />
        </div>
      </details>
      <details className="mt-3">
        <summary className={summaryClass}>
          Raw body ({bytes} bytes{request.bodyEncoding === "base64" ? ", not UTF-8 text: shown as base64" : ""})
        </summary>
        {request.body === "" ? (
          <p className="mt-2 text-sm italic text-slate-500">Empty</p>
        ) : (
          <pre tabIndex={0} className={preClass}>
            {request.body}
          </pre>
        )}
      </details>
    </li>
  );
}

/** The inbox's requests, newest first; asks for newer ones every two seconds. */
export function InboxRequests({ token, initial, keep }: { token: string; initial: InboxRequestView[]; keep: number }) {
  const [requests, setRequests] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    let after = initial[0]?.seq ?? 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const { requests: fresh } = await apiFetch<{ requests: InboxRequestView[] }>(
          `/api/dev/inbox/${encodeURIComponent(token)}/requests?after=${after}`,
          { signal: controller.signal },
        );
        if (fresh.length > 0) {
          after = Math.max(after, ...fresh.map((request) => request.seq));
          setRequests((current) => merge(fresh, current, keep));
        }
        setProblem(null);
      } catch (error) {
        if (controller.signal.aborted) return;
        setProblem(errorMessage(error));
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void poll(), POLL_INTERVAL_MS);
    };
    timer = setTimeout(() => void poll(), POLL_INTERVAL_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [token, initial, keep]);

  return (
    <section aria-labelledby="requests-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="requests-heading" className="text-base font-semibold">
          Requests ({requests.length})
        </h2>
        <span role="status" className="text-sm text-slate-500">
          {problem ? <span className="text-red-700">Not updating: {problem}</span> : "Live: checks for new requests every 2 seconds"}
        </span>
      </div>
      {requests.length === 0 ? (
        <EmptyState
          title="No requests yet"
          description="Point an endpoint at the receiver URL above and send a test event, or POST anything to it."
        />
      ) : (
        <ol className="space-y-4">
          {requests.map((request) => (
            <RequestItem key={request.id} request={request} />
          ))}
        </ol>
      )}
    </section>
  );
}
