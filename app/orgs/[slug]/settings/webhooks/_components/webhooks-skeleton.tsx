import { cardClassName } from "@/app/_components/card";

/**
 * Placeholder while a list page loads its data, used as a `<Suspense>` fallback
 * inside the page. Deliberately not a `loading.tsx`: a route-level loading
 * boundary makes Next.js start streaming (status 200) before the endpoint and
 * delivery pages can call `notFound()`, so other organizations' ids would no
 * longer get a real 404.
 */
export function WebhooksSkeleton({ variant = "cards" }: { variant?: "cards" | "table" }) {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-8">
      <span className="sr-only">Loading…</span>
      <div aria-hidden="true">
        <div className="h-7 w-56 rounded bg-slate-200" />
        <div className="mt-3 h-4 w-[28rem] max-w-full rounded bg-slate-200" />
      </div>
      {variant === "cards" ? (
        <ul className="grid gap-4" aria-hidden="true">
          {[0, 1, 2].map((card) => (
            <li key={card} className={cardClassName("md")}>
              <div className="flex items-start justify-between gap-4">
                <div className="space-y-2">
                  <div className="h-5 w-48 rounded bg-slate-200" />
                  <div className="h-4 w-64 max-w-full rounded bg-slate-100" />
                </div>
                <div className="h-5 w-16 rounded-full bg-slate-200" />
              </div>
              <div className="mt-5 grid gap-4 sm:grid-cols-[2fr_1fr_1fr]">
                {[0, 1, 2].map((cell) => (
                  <div key={cell} className="space-y-2">
                    <div className="h-3 w-20 rounded bg-slate-100" />
                    <div className="h-4 w-28 rounded bg-slate-200" />
                  </div>
                ))}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <div className="rounded-lg border border-slate-200 bg-white" aria-hidden="true">
          {[0, 1, 2, 3, 4, 5].map((row) => (
            <div key={row} className="flex items-center gap-4 border-b border-slate-100 px-4 py-4 last:border-b-0">
              <div className="h-4 w-1/5 rounded bg-slate-200" />
              <div className="h-4 w-1/5 rounded bg-slate-100" />
              <div className="h-5 w-16 rounded-full bg-slate-200" />
              <div className="ml-auto h-4 w-24 rounded bg-slate-100" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
