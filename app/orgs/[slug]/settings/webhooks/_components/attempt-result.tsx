import { Alert } from "@/app/_components/alert";
import { StatusBadge } from "@/app/_components/badge";
import { OrgLink } from "@/app/_components/organization-context";
import type { ManualAttemptResult } from "@/lib/webhooks/manual";

/** What `POST …/test` and `POST …/redeliver` answer. */
export type { ManualAttemptResult };

/** A manual send as the page sees it: the attempt, why the request failed, or nothing yet. */
export type ManualAttemptOutcome = { result: ManualAttemptResult } | { error: string } | null;

/**
 * The outcome of one manual send: status code, latency and the start of the
 * response body, or the error when no HTTP exchange happened.
 */
export function AttemptResult({ result, showDeliveryLink = false }: { result: ManualAttemptResult; showDeliveryLink?: boolean }) {
  return (
    <div className={`rounded-md border p-4 text-sm ${result.success ? "border-green-200 bg-green-50" : "border-red-200 bg-red-50"}`}>
      <p className="flex flex-wrap items-center gap-2">
        <span className="font-semibold">{result.success ? "Delivered" : "Not delivered"}</span>
        <StatusBadge status={result.status} />
      </p>
      {/* One text node on purpose: status code and latency read as one line ("HTTP 200 in 12 ms"). */}
      <p className="mt-2 font-mono">{`${typeof result.statusCode !== "number" ? "No HTTP response" : `HTTP ${result.statusCode}`} in ${result.durationMs} ms`}</p>
      {result.error ? <p className="mt-2 break-words text-red-800">{result.error}</p> : null}
      {result.outsideOrder ? (
        <p data-testid="outside-order-note" className="mt-2 text-slate-700">
          {result.outsideOrder.note}
        </p>
      ) : null}
      {result.responseSnippet !== undefined ? (
        <div className="mt-3">
          <p className="text-slate-600">Response body{result.responseSnippet.length >= 1000 ? " (first 1,000 characters)" : ""}</p>
          {result.responseSnippet === "" ? (
            <p className="mt-1 italic text-slate-500">Empty</p>
          ) : (
            <pre tabIndex={0} className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-xs text-slate-800 ring-1 ring-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
              {result.responseSnippet}
            </pre>
          )}
        </div>
      ) : null}
      {showDeliveryLink ? (
        <p className="mt-3">
          <OrgLink path={`/settings/webhooks/history/${result.deliveryId}`} className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            View this delivery
          </OrgLink>
        </p>
      ) : null}
    </div>
  );
}

/**
 * A manual send's outcome, announced politely to screen readers: the attempt
 * (see {@link AttemptResult}), or why the request itself failed.
 */
export function ManualAttemptOutcomeView({
  outcome,
  testId,
  errorTitle,
  showDeliveryLink = false,
}: {
  outcome: ManualAttemptOutcome;
  testId: string;
  errorTitle: string;
  showDeliveryLink?: boolean;
}) {
  return (
    <div aria-live="polite">
      {outcome ? (
        <div data-testid={testId}>
          {"result" in outcome ? (
            <AttemptResult result={outcome.result} showDeliveryLink={showDeliveryLink} />
          ) : (
            <Alert tone="error" title={errorTitle}>
              {outcome.error}
            </Alert>
          )}
        </div>
      ) : null}
    </div>
  );
}
