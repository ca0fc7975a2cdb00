"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage } from "@/app/_components/api";
import { useApiFetch } from "@/app/_components/organization-context";
import type { ManualAttemptOutcome, ManualAttemptResult } from "./attempt-result";

/**
 * POSTs to a manual-attempt route (send test event, redeliver) with `body` (default `{}`),
 * keeps the outcome for inline display and refreshes the page so the new attempt shows.
 */
export function useManualAttempt(path: string) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<ManualAttemptOutcome>(null);

  async function run(body: Record<string, unknown> = {}) {
    setPending(true);
    setOutcome(null);
    try {
      const response = await apiFetch<{ result: ManualAttemptResult }>(path, { method: "POST", body });
      setOutcome({ result: response.result });
      router.refresh();
    } catch (caught) {
      setOutcome({ error: errorMessage(caught) });
    } finally {
      setPending(false);
    }
  }

  return { pending, outcome, run };
}
