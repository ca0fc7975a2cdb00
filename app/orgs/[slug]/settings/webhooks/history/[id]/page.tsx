import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/app/_components/badge";
import { CopyButton } from "@/app/_components/copy-button";
import { DeliveryStateText } from "@/app/_components/delivery-state";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import { requireOrgViewer } from "@/lib/auth/page";
import { getDeliveryDetail } from "@/lib/webhooks/history";
import { RESPONSE_BODY_CAP_BYTES } from "@/lib/webhooks/transport";
import { bytesText, plural, prettyJson, urlHost } from "@/app/_components/format";
import { linkClass } from "@/app/_components/link-class";
import { RelativeTime } from "@/app/_components/relative-time";
import { DateTime } from "@/app/_components/time";
import { cardClassName } from "@/app/_components/card";
import { AttemptList } from "../_components/attempt-list";
import { RedeliverButton } from "../_components/redeliver-button";
import { orNotFound } from "../../_components/or-not-found";
import { BackLink, Detail } from "../../_components/detail";
import type { ReactNode } from "react";
import type { DeliveryState } from "@/lib/webhooks/outcomes";

export const metadata: Metadata = { title: "Delivery" };

const preClass =
  "overflow-auto rounded-md bg-slate-900 p-4 font-mono text-xs leading-relaxed text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400";

/** An absolute time with its zone, and how long ago or ahead it is: "2 Dec 2026, 14:05:03 CET (UTC+01:00) · 3 min ago". */
function When({ value, fallback }: { value: Date | null; fallback: string }) {
  if (!value) return <span className="text-slate-500">{fallback}</span>;
  return (
    <span className="inline-flex flex-wrap gap-x-1.5">
      <DateTime value={value} format="full" />
      <span className="text-slate-500">
        · <RelativeTime value={value} />
      </span>
    </span>
  );
}

/** When the next scheduled attempt goes, in the delivery's own terms: held deliveries wait for the circuit, not the clock. */
function NextAttempt({ state }: { state: DeliveryState }): ReactNode {
  if (state.outcome === "held") {
    if (state.heldBy === "cannot_sign") return "Held until the encryption key of the endpoint’s secret is restored";
    if (state.heldBy === "listen_disconnected") return "Held until the listen CLI connects again";
    return state.heldUntil ? (
      <>
        Held: after the circuit’s next probe, not before <When value={state.heldUntil} fallback="" />
      </>
    ) : (
      "Held: after the circuit’s next probe succeeds"
    );
  }
  if (state.outcome !== "pending" && state.outcome !== "retrying") return <span className="text-slate-500">None: this delivery is finished</span>;
  if (!state.nextAttemptAt || isPast(state.nextAttemptAt)) {
    return (
      <>
        Due now{state.nextAttemptAt ? <> (scheduled for <When value={state.nextAttemptAt} fallback="" />)</> : null}
      </>
    );
  }
  return <When value={state.nextAttemptAt} fallback="" />;
}

/** Read per request on the server: a scheduled time that has passed is "due now", not "2 min ago". */
function isPast(at: Date): boolean {
  return at.getTime() <= Date.now();
}

/** One delivery: what was sent (byte for byte), to where, and every attempt with its response. */
export default async function DeliveryPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug, id } = await params;
  const { organization } = await requireOrgViewer(slug);
  const base = orgPath(organization.slug);
  // A page of attempts, newest first; `?attemptsBefore=<number>` goes further back.
  const before = Number((await searchParams).attemptsBefore);
  const attemptsBefore = Number.isSafeInteger(before) && before > 0 ? before : undefined;
  const delivery = await orNotFound(
    getDeliveryDetail({ organizationId: organization.id, deliveryId: id, maskUrls: !organization.canManage, attemptsBefore }),
  );
  const pretty = prettyJson(delivery.payload);
  const payloadBytes = Buffer.byteLength(delivery.payload, "utf8");

  return (
    <div className="space-y-6">
      <BackLink href={`${base}/history`}>All deliveries</BackLink>
      <PageHeader
        title={delivery.event}
        description={
          <>
            Delivery to <span className="font-medium text-slate-800">{urlHost(delivery.endpoint.url)}</span>, created{" "}
            <RelativeTime value={delivery.createdAt} />.
          </>
        }
      />

      <section aria-labelledby="summary-heading" className={cardClassName()}>
        <h2 id="summary-heading" className="text-base font-semibold">
          Summary
        </h2>
        <dl className="mt-3 divide-y divide-slate-100">
          <Detail label="Status">
            <DeliveryStateText state={delivery.state} badge />
            {(delivery.state.outcome === "retrying" || delivery.state.outcome === "held") && delivery.lastError ? (
              <p className="mt-1 break-words text-slate-600">Last error: {delivery.lastError}</p>
            ) : null}
          </Detail>
          <Detail label="Event">
            <code className="font-mono">{delivery.event}</code>
          </Detail>
          <Detail label="Idempotency key">
            <code className="break-all font-mono">{delivery.idempotencyKey}</code>
          </Detail>
          <Detail label="webhook-id">
            <span className="inline-flex flex-wrap items-center gap-2">
              <code className="font-mono">{delivery.id}</code>
              <CopyButton value={delivery.id} aria-label="Copy webhook-id" />
            </span>
            <p className="mt-1 text-slate-500">The same on every attempt, so receivers can drop duplicates.</p>
          </Detail>
          <Detail label="Endpoint">
            <Link href={`${base}/${delivery.endpoint.id}`} title={delivery.endpoint.url} className={linkClass}>
              {urlHost(delivery.endpoint.url)}
            </Link>
            {delivery.endpoint.description ? <span className="ml-2 text-slate-600">{delivery.endpoint.description}</span> : null}
            {delivery.endpoint.status !== "active" ? (
              <span className="ml-2">
                <StatusBadge status={delivery.endpoint.status} />
              </span>
            ) : null}
          </Detail>
          {delivery.ordering ? (
            <Detail label="Ordering key">
              {delivery.ordering.key === "" ? (
                <span>None — the endpoint&apos;s queue for events sent without a key</span>
              ) : (
                <code className="break-all font-mono">{delivery.ordering.key}</code>
              )}
              {delivery.status === "pending" && delivery.ordering.ahead > 0 ? (
                <p className="mt-1 text-slate-600">
                  Waits for {plural(delivery.ordering.ahead, "earlier delivery", "earlier deliveries")} of this key
                  {delivery.ordering.waitingFor ? (
                    <>
                      {" "}
                      (first in line:{" "}
                      <Link href={`${base}/history/${delivery.ordering.waitingFor}`} className={linkClass}>
                        <code className="font-mono">{delivery.ordering.waitingFor}</code>
                      </Link>
                      )
                    </>
                  ) : null}
                  . The endpoint delivers each key one at a time, in order.
                </p>
              ) : (
                <p className="mt-1 text-slate-500">The endpoint delivers each key one at a time, in the order the events were sent.</p>
              )}
            </Detail>
          ) : null}
          <Detail label="Attempts">
            {plural(delivery.attempts, "scheduled attempt", "scheduled attempts")}
            {delivery.state.test ? null : ` of ${delivery.state.attemptsAllowed}`}
            {delivery.manualAttempts > 0 ? ` · ${delivery.manualAttempts} manual` : null}
            <p className="mt-1 text-slate-500">Redeliveries and test sends are counted apart; they never use up the retry schedule.</p>
          </Detail>
          <Detail label="Created">
            <When value={delivery.createdAt} fallback="—" />
          </Detail>
          <Detail label="Delivered">
            <When value={delivery.deliveredAt} fallback={delivery.state.outcome === "failed" || delivery.state.outcome === "cancelled" ? "Never" : "Not yet"} />
          </Detail>
          <Detail label="Next attempt">
            <NextAttempt state={delivery.state} />
          </Detail>
        </dl>
      </section>

      {organization.canManage ? (
        <section aria-labelledby="redeliver-heading" className={cardClassName()}>
          <h2 id="redeliver-heading" className="text-base font-semibold">
            Send again
          </h2>
          <div className="mt-3">
            <RedeliverButton deliveryId={delivery.id} endpointActive={delivery.endpoint.status === "active"} outsideOrder={delivery.ordering !== null} />
          </div>
        </section>
      ) : null}

      <section aria-labelledby="payload-heading" className={cardClassName()}>
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="payload-heading" className="text-base font-semibold">
            Payload
          </h2>
          <span className="text-sm text-slate-500">{bytesText(payloadBytes)}</span>
        </div>
        {pretty !== null ? (
          <>
            <p className="mt-1 text-sm text-slate-600">Formatted for reading. Signatures cover the raw body below, byte for byte.</p>
            <pre tabIndex={0} className={`mt-3 max-h-[32rem] ${preClass}`}>
              {pretty}
            </pre>
            <details className="mt-3">
              <summary className="cursor-pointer text-sm font-medium text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
                Raw body (exactly as stored, signed and sent)
              </summary>
              <pre tabIndex={0} className={`mt-2 max-h-96 whitespace-pre-wrap break-all ${preClass}`}>
                {delivery.payload}
              </pre>
            </details>
          </>
        ) : (
          <>
            <p className="mt-1 text-sm text-slate-600">The stored body is shown exactly as it was signed and sent.</p>
            <pre tabIndex={0} className={`mt-3 max-h-[32rem] whitespace-pre-wrap break-all ${preClass}`}>
              {delivery.payload}
            </pre>
          </>
        )}
      </section>

      <section aria-labelledby="attempts-heading" className="space-y-3">
        <h2 id="attempts-heading" className="text-base font-semibold">
          Attempts ({delivery.attemptsTotal})
        </h2>
        {delivery.attemptLog.length > 0 ? (
          <p className="text-sm text-slate-600">
            Newest first
            {delivery.attemptsTotal > delivery.attemptLog.length
              ? `: attempts ${delivery.attemptLog[delivery.attemptLog.length - 1]?.number ?? 0}–${delivery.attemptLog[0]?.number ?? 0} of ${delivery.attemptsTotal}`
              : null}
            .
          </p>
        ) : null}
        <AttemptList attempts={delivery.attemptLog} bodyCapBytes={RESPONSE_BODY_CAP_BYTES} />
        {attemptsBefore !== undefined || delivery.olderAttemptsBefore !== null ? (
          <nav aria-label="Attempt pages" className="flex flex-wrap gap-4 text-sm">
            {attemptsBefore !== undefined ? (
              <Link href={`${base}/history/${delivery.id}`} className={linkClass}>
                Newest attempts
              </Link>
            ) : null}
            {delivery.olderAttemptsBefore !== null ? (
              <Link href={`${base}/history/${delivery.id}?attemptsBefore=${delivery.olderAttemptsBefore}`} className={linkClass}>
                Older attempts
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
