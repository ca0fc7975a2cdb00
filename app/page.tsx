import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { homePath } from "@/lib/auth/page";
import { getViewer } from "@/lib/auth/session";
import { cardClassName } from "@/app/_components/card";
import { PublicHeader } from "@/app/_components/public-header";

const FEATURES = [
  {
    title: "Durable by default",
    body: "Every event is written to the database before anything is sent, then delivered to each subscribed endpoint and retried with exponential backoff for about a day.",
  },
  {
    title: "Signed two ways",
    body: "Each request carries an HMAC-SHA256 signature over the exact bytes sent, in our legacy header and in the Standard Webhooks headers.",
  },
  {
    title: "Safe to point anywhere",
    body: "Outbound requests are checked at connect time, so endpoints can never reach private networks, even through DNS tricks. Secrets are encrypted at rest.",
  },
  {
    title: "Nothing hidden",
    body: "Every attempt is recorded with its status, latency and response, and any delivery can be sent again.",
  },
];

/**
 * The product page for visitors, with Sign up and Sign in in the header and under the
 * headline. A signed-in user is sent straight to where their link would lead: the
 * webhooks of the organization they used last, or onboarding when they have none.
 */
export default async function HomePage() {
  const viewer = await getViewer(await headers());
  if (viewer) redirect(await homePath(viewer.userId));
  return (
    <>
      <PublicHeader />
      <main id="main" className="mx-auto max-w-4xl px-6 py-16">
        <p className="text-sm font-semibold uppercase tracking-wide text-indigo-600">Webhooks</p>
        <h1 className="mt-2 text-4xl font-bold tracking-tight">Tell your customers&apos; servers when something happens.</h1>
        <p className="mt-4 max-w-2xl text-lg text-slate-600">
          Add the URLs that should hear about events in your organization, choose which events they receive, and follow
          every delivery from the first attempt to the last.
        </p>
        <div className="mt-8 flex flex-wrap items-center gap-3">
          <Link
            href="/sign-up"
            className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2"
          >
            Sign up
          </Link>
          <Link
            href="/sign-in"
            className="rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2"
          >
            Sign in
          </Link>
          <Link
            href="/docs/webhooks"
            className="rounded-md px-4 py-2 font-medium text-slate-700 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
          >
            Developer docs
          </Link>
          <a
            href="/api/health"
            className="rounded-md px-4 py-2 font-medium text-slate-600 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
          >
            Service health
          </a>
        </div>
        <section className="mt-14 grid gap-6 sm:grid-cols-2" aria-label="What you get">
          {FEATURES.map((feature) => (
            <article key={feature.title} className={cardClassName()}>
              <h2 className="font-semibold">{feature.title}</h2>
              <p className="mt-2 text-sm text-slate-600">{feature.body}</p>
            </article>
          ))}
        </section>
      </main>
    </>
  );
}
