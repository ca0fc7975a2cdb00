import type { Metadata } from "next";
import { NotFoundView } from "./_components/not-found-view";
import { SiteHeader } from "./_components/site-header";

export const metadata: Metadata = { title: "Page not found" };

/**
 * Any path that matches no page, and every organization page of an organization the viewer
 * is not a member of (the same page either way, so slugs cannot be probed).
 */
export default function NotFound() {
  return (
    <>
      <SiteHeader />
      <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
        <NotFoundView homeHref="/" homeLabel="Go to the home page" />
      </main>
    </>
  );
}
