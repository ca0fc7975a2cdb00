"use client";

import { ErrorView } from "./_components/error-view";
import { PublicHeader } from "./_components/public-header";

/** Error boundary of the pages outside an organization (an organization's pages have their own). */
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <>
      <PublicHeader authLinks={false} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
        <ErrorView error={error} retry={retry} homeHref="/" homeLabel="Go to the home page" />
      </main>
    </>
  );
}
