import { cardClassName } from "./card";

/** The blocks a page is made of, top to bottom, to draw its placeholder. */
export type SkeletonBlock = "back-link" | "form" | "table" | "cards" | "details";

export interface PageSkeletonProps {
  /** Read to screen readers: "Loading members…". */
  label: string;
  blocks: readonly SkeletonBlock[];
}

const bar = "rounded bg-slate-200";
const faint = "rounded bg-slate-100";

/**
 * A page's placeholder while its data loads (a route's `loading.tsx`): the page header and
 * then its blocks, shaped like the page, announced politely as "Loading …".
 */
export function PageSkeleton({ label, blocks }: PageSkeletonProps) {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-8">
      <span className="sr-only">{label}</span>
      <div aria-hidden="true" className="space-y-8">
        {blocks[0] === "back-link" ? <div className={`h-4 w-32 ${faint}`} /> : null}
        <div>
          <div className={`h-7 w-56 ${bar}`} />
          <div className={`mt-3 h-4 w-[28rem] max-w-full ${bar}`} />
        </div>
        {blocks.map((block, index) => (block === "back-link" ? null : <Block key={index} block={block} />))}
      </div>
    </div>
  );
}

function Block({ block }: { block: Exclude<SkeletonBlock, "back-link"> }) {
  switch (block) {
    case "form":
      return (
        <div className={cardClassName("lg", "space-y-5")}>
          {[0, 1, 2].map((field) => (
            <div key={field} className="space-y-2">
              <div className={`h-4 w-28 ${bar}`} />
              <div className="h-9 w-full max-w-lg rounded-md border border-slate-200 bg-white" />
            </div>
          ))}
          <div className={`h-9 w-32 ${bar}`} />
        </div>
      );
    case "table":
      return (
        <div className="rounded-lg border border-slate-200 bg-white">
          {[0, 1, 2, 3, 4].map((row) => (
            <div key={row} className="flex items-center gap-4 border-b border-slate-100 px-4 py-4 last:border-b-0">
              <div className={`h-4 w-1/5 ${bar}`} />
              <div className={`h-4 w-1/4 ${faint}`} />
              <div className="h-5 w-16 rounded-full bg-slate-200" />
              <div className={`ml-auto h-4 w-24 ${faint}`} />
            </div>
          ))}
        </div>
      );
    case "cards":
      return (
        <div className="grid gap-4">
          {[0, 1, 2].map((card) => (
            <div key={card} className={cardClassName("md", "space-y-3")}>
              <div className={`h-5 w-48 ${bar}`} />
              <div className={`h-4 w-64 max-w-full ${faint}`} />
            </div>
          ))}
        </div>
      );
    case "details":
      return (
        <div className={cardClassName("lg", "grid gap-5 sm:grid-cols-2")}>
          {[0, 1, 2, 3, 4, 5].map((item) => (
            <div key={item} className="space-y-2">
              <div className={`h-3 w-20 ${faint}`} />
              <div className={`h-4 w-40 max-w-full ${bar}`} />
            </div>
          ))}
        </div>
      );
  }
}
