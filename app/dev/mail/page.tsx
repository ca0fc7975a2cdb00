import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Badge } from "@/app/_components/badge";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { withNext } from "@/app/_components/safe-next";
import { DateTime } from "@/app/_components/time";
import { linkClass } from "@/app/_components/link-class";
import { cardClassName } from "@/app/_components/card";
import { getViewer } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { listMail, mailboxLocation } from "@/lib/mail/mailbox";
import { mailboxDir } from "@/lib/mail/transport";
import { isDevelopmentStart } from "@/lib/run-mode";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Development mailbox" };

/** Plain text with its http(s) URLs as links. */
function linkify(text: string): ReactNode[] {
  return text.split(/(https?:\/\/[^\s<>"]+)/g).map((part, index) =>
    index % 2 === 1 ? (
      // Always underlined: these links sit inside plain message text, where colour alone would not set them apart.
      <a key={index} href={part} className={`${linkClass} underline`}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

/**
 * The development mailbox (development starts only): every mail the app
 * "sent" without an SMTP_URL — verification, invitation, password reset,
 * alerts — newest first, text and HTML, links clickable. Any signed-in user
 * may read it: it is a local tool for the person running the app, and
 * production has no such page (production refuses to start without SMTP_URL).
 */
export default async function DevMailPage() {
  // First, before reading the request: outside a development start this is a missing page.
  if (!isDevelopmentStart()) notFound();
  const viewer = await getViewer(await headers());
  if (!viewer) redirect(withNext("/sign-in", "/dev/mail"));
  const env = getEnv();
  const messages = env.smtpUrl ? [] : listMail(mailboxDir());

  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-4 py-3 sm:px-6">
          <Link
            href="/"
            className="rounded text-sm font-semibold uppercase tracking-wide text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2"
          >
            Webhooks
          </Link>
          <span className="text-slate-300" aria-hidden="true">
            /
          </span>
          <span className="text-sm font-medium text-slate-700">Mailbox</span>
          <Badge tone="amber" title="This page exists only when the app was started in development mode">
            Development only
          </Badge>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-8 sm:px-6">
        <PageHeader
          title="Development mailbox"
          description={
            env.smtpUrl ? (
              <>SMTP_URL is set, so mail goes to that server and nothing is kept here.</>
            ) : (
              <>
                No SMTP_URL is set, so the mail this app sends is kept here instead ({mailboxLocation(mailboxDir())}), newest first. Every
                signed-in user of this development app can read it.
              </>
            )
          }
        />
        {messages.length === 0 ? (
          <EmptyState title="No mail yet" description="Sign up, invite someone or ask for a password reset, and the mail shows up here." />
        ) : (
          <ol className="space-y-6" aria-label="Messages">
            {messages.map((mail) => (
              <li key={mail.id}>
                <article aria-labelledby={`mail-${mail.id}`} className={cardClassName()}>
                  <h2 id={`mail-${mail.id}`} className="text-base font-semibold">
                    {mail.subject}
                  </h2>
                  <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm text-slate-600">
                    <dt className="font-medium">To</dt>
                    <dd>{mail.to}</dd>
                    <dt className="font-medium">From</dt>
                    <dd>{mail.from}</dd>
                    <dt className="font-medium">Date</dt>
                    <dd>
                      <DateTime value={new Date(mail.date)} />
                    </dd>
                  </dl>
                  <h3 className="mt-4 text-sm font-semibold text-slate-900">Text</h3>
                  <pre className="mt-1 whitespace-pre-wrap break-words rounded bg-slate-50 p-3 font-sans text-sm text-slate-800">{linkify(mail.text)}</pre>
                  <details className="mt-4">
                    <summary className="cursor-pointer text-sm font-semibold text-slate-900">HTML</summary>
                    {/* Sandboxed: no scripts; a clicked link opens in the top window. */}
                    <iframe
                      title={`HTML of "${mail.subject}"`}
                      sandbox="allow-top-navigation-by-user-activation allow-popups"
                      srcDoc={mail.html.replace(/<head>/i, '<head><base target="_top">')}
                      className="mt-2 h-96 w-full rounded border border-slate-200"
                    />
                  </details>
                </article>
              </li>
            ))}
          </ol>
        )}
      </main>
    </>
  );
}
