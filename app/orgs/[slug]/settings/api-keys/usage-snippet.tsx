"use client";

import { CopyButton } from "@/app/_components/copy-button";
import { useOrigin } from "@/app/_components/use-origin";

/** How backend code sends an event with a key, with this site's origin filled in. */
export function UsageSnippet() {
  const origin = useOrigin("$ORIGIN");
  const snippet = [
    `curl -X POST ${origin}/api/v1/events \\`,
    `  -H "Authorization: Bearer whk_…" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"event":"invoice.paid","idempotencyKey":"inv_123","data":{"invoiceId":"inv_123","amount":4200,"currency":"usd"}}'`,
  ].join("\n");
  return (
    <div className="relative">
      <pre className="whitespace-pre-wrap rounded-lg bg-slate-900 p-4 pr-28 font-mono text-xs leading-relaxed text-slate-100 [overflow-wrap:anywhere]">
        <code>{snippet}</code>
      </pre>
      <div className="absolute right-2 top-2">
        <CopyButton value={snippet} aria-label="Copy example request" />
      </div>
    </div>
  );
}
