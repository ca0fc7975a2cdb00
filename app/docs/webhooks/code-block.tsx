import type { ReactNode } from "react";
import { CopyButton } from "@/app/_components/copy-button";

/** A titled, horizontally scrollable `<pre><code>` block with a copy button (no highlighting). */
export function CodeBlock({ code, language, title }: { code: string; language: string; title?: string }) {
  return (
    <figure className="mt-4 overflow-hidden rounded-lg border border-slate-800 bg-slate-900 shadow-sm">
      <figcaption className="flex items-center justify-between gap-4 border-b border-slate-700 px-4 py-2 text-xs text-slate-400">
        <span>{title ?? language}</span>
        <span className="flex items-center gap-3">
          {title ? <span className="font-mono uppercase tracking-wide">{language}</span> : null}
          <CopyButton value={code} aria-label={`Copy ${title ?? language}`} />
        </span>
      </figcaption>
      {/* tabIndex: a scrollable region must be reachable by keyboard. */}
      <pre tabIndex={0} className="overflow-x-auto p-4 text-sm leading-relaxed text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400">
        <code className={`language-${language} font-mono`}>{code}</code>
      </pre>
    </figure>
  );
}

/** Inline code. */
export function C({ children }: { children: ReactNode }) {
  return <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.875em] text-slate-800">{children}</code>;
}
