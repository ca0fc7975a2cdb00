import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { Badge } from "@/app/_components/badge";
import { CopyButton } from "@/app/_components/copy-button";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import { withNext } from "@/app/_components/safe-next";
import { bytesText } from "@/app/_components/format";
import { linkClass } from "@/app/_components/link-class";
import { cardClassName } from "@/app/_components/card";
import { INBOX_BODY_CAP_BYTES, INBOX_KEEP_REQUESTS, inspectorPath } from "@/lib/dev-inbox/inbox";
import { loadInspector } from "@/lib/dev-inbox/inspector";
import { isDevelopmentStart } from "@/lib/run-mode";
import { InboxRequests } from "./inbox-requests";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Request inspector" };

/**
 * The request inspector (development starts only): what an inbox received,
 * newest first, updated live. Members of the inbox's organization only; for
 * anyone else, and in production, this page does not exist.
 */
export default async function InboxPage({ params }: { params: Promise<{ token: string }> }) {
  // First, before reading the request: outside a development start this is a missing page.
  if (!isDevelopmentStart()) notFound();
  const { token } = await params;
  const result = await loadInspector({ token, headers: await headers() });
  if (result.kind === "sign_in") redirect(withNext("/sign-in", inspectorPath(token)));
  if (result.kind === "not_found") notFound();
  const { inbox, organizationSlug, receiverUrl, requests, inboxes } = result;

  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-4 py-3 sm:px-6">
          <Link
            href={orgPath(organizationSlug)}
            className="rounded text-sm font-semibold uppercase tracking-wide text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2"
          >
            Webhooks
          </Link>
          <span className="text-slate-300" aria-hidden="true">
            /
          </span>
          <span className="text-sm font-medium text-slate-700">Request inspector</span>
          <Badge tone="amber" title="This page and its receiver exist only when the app was started in development mode">
            Development only
          </Badge>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-8 sm:px-6">
        <PageHeader
          title={inbox.label || "Inbox"}
          description={
            <>
              A receiver inside this app that records every request it gets and checks both signatures against the secret of the
              endpoint that points at it. It keeps the newest {INBOX_KEEP_REQUESTS} requests of up to {bytesText(INBOX_BODY_CAP_BYTES)}.
            </>
          }
        />

        <section aria-labelledby="receiver-heading" className={cardClassName()}>
          <h2 id="receiver-heading" className="text-base font-semibold">
            Receiver
          </h2>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm">{receiverUrl}</code>
            <CopyButton value={receiverUrl} aria-label="Copy receiver URL" />
          </div>
          <p className="mt-3 text-sm text-slate-600">
            {inbox.failWithStatus === null ? (
              <>Answers every request with 200.</>
            ) : (
              <>
                Answers every request with <span className="font-mono font-medium">{inbox.failWithStatus}</span>, so deliveries to it
                are retried on the usual schedule.
              </>
            )}
          </p>
          {inboxes.length > 1 ? (
            <nav aria-label="Inboxes of this organization" className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
              {inboxes.map((other) =>
                other.id === inbox.id ? (
                  <span key={other.id} aria-current="page" className="font-medium text-slate-900">
                    {other.label || "Inbox"}
                  </span>
                ) : (
                  <Link key={other.id} href={inspectorPath(other.token)} className={linkClass}>
                    {other.label || "Inbox"}
                  </Link>
                ),
              )}
            </nav>
          ) : null}
        </section>

        <InboxRequests token={inbox.token} initial={requests} keep={INBOX_KEEP_REQUESTS} />
      </main>
    </>
  );
}
