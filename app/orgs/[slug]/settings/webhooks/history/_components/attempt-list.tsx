import { Badge, StatusBadge, type BadgeTone } from "@/app/_components/badge";
import { HeadersTable } from "@/app/_components/headers-table";
import type { DeliveryDetail } from "@/lib/webhooks/history";
import { bytesText, urlHost } from "@/app/_components/format";
import { RelativeTime } from "@/app/_components/relative-time";
import { DateTime } from "@/app/_components/time";
import { cardClassName } from "@/app/_components/card";

type Attempt = DeliveryDetail["attemptLog"][number];

const TRIGGER_TONES: Record<string, BadgeTone> = { scheduled: "gray", manual: "indigo", test: "amber" };

const preClass =
  "mt-2 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400";

function AttemptItem({ attempt, bodyCapBytes }: { attempt: Attempt; bodyCapBytes: number }) {
  const host = urlHost(attempt.url);
  return (
    <li className={cardClassName("md")}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h3 className="text-sm font-semibold">Attempt {attempt.number}</h3>
        <Badge tone={TRIGGER_TONES[attempt.trigger] ?? "gray"} title="What started this attempt">
          {attempt.trigger}
        </Badge>
        <StatusBadge status={attempt.success ? "success" : "failed"} />
      </div>
      <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-500">Started</dt>
          <dd>
            <DateTime value={attempt.startedAt} format="full" />
            <span className="block text-slate-500">
              <RelativeTime value={attempt.startedAt} />
            </span>
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Latency</dt>
          <dd className="tabular-nums">{attempt.durationMs} ms</dd>
        </div>
        <div>
          <dt className="text-slate-500">Host</dt>
          <dd className="truncate font-mono" title={attempt.url}>
            {host}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Response status</dt>
          <dd className="font-mono">{attempt.statusCode ?? "none"}</dd>
        </div>
      </dl>

      {attempt.error ? (
        <div className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          <p className="font-medium">
            {attempt.errorCode ? <code className="mr-2 font-mono">{attempt.errorCode}</code> : null}
            {attempt.statusCode ? "The receiver answered with an error" : "No response"}
          </p>
          <p className="mt-1 break-words">{attempt.error}</p>
        </div>
      ) : null}

      <details className="mt-4">
        <summary className="cursor-pointer text-sm font-medium text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
          Request headers ({Object.keys(attempt.requestHeaders).length})
        </summary>
        <p className="mt-2 text-xs text-slate-500">Signature values are masked.</p>
        <div className="mt-2">
          <HeadersTable headers={attempt.requestHeaders} caption={`Request headers of attempt ${attempt.number}`} />
        </div>
      </details>

      {attempt.statusCode !== null ? (
        <>
          <details className="mt-3">
            <summary className="cursor-pointer text-sm font-medium text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
              Response headers ({attempt.responseHeaders ? Object.keys(attempt.responseHeaders).length : 0})
            </summary>
            <div className="mt-2">
              <HeadersTable headers={attempt.responseHeaders ?? {}} caption={`Response headers of attempt ${attempt.number}`} />
            </div>
          </details>
          <details className="mt-3" open={!attempt.success}>
            <summary className="cursor-pointer text-sm font-medium text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
              Response body
            </summary>
            {attempt.responseBodyTruncated ? (
              <p className="mt-2 text-xs text-amber-800">Truncated: only the first {bytesText(bodyCapBytes)} were stored.</p>
            ) : null}
            {attempt.responseBody ? (
              <pre tabIndex={0} className={preClass}>
                {attempt.responseBody}
              </pre>
            ) : (
              <p className="mt-2 text-sm italic text-slate-500">Empty</p>
            )}
          </details>
        </>
      ) : null}
    </li>
  );
}

/** A page of a delivery's attempts in the order given (newest first from getDeliveryDetail), with what was sent and what came back. */
export function AttemptList({ attempts, bodyCapBytes }: { attempts: Attempt[]; bodyCapBytes: number }) {
  if (attempts.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">No attempts yet.</p>;
  }
  return (
    <ol className="space-y-4">
      {attempts.map((attempt) => (
        <AttemptItem key={attempt.id} attempt={attempt} bodyCapBytes={bodyCapBytes} />
      ))}
    </ol>
  );
}
