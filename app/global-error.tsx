"use client";

import "./globals.css";
import { ErrorView } from "./_components/error-view";
import { PublicHeader } from "./_components/public-header";

/** When the root layout itself fails: this replaces it, so it brings its own `<html>` and `<body>`. */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <PublicHeader authLinks={false} />
        <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
          <ErrorView error={error} retry={retry} homeHref="/" homeLabel="Go to the home page" />
        </main>
      </body>
    </html>
  );
}
