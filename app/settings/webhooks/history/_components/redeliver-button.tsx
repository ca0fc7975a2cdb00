"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/app/_components/alert";
import { apiFetch, errorMessage } from "@/app/_components/api";
import { Button } from "@/app/_components/button";
import { AttemptResult, type ManualAttemptResult } from "../../_components/attempt-result";

/**
 * Sends this delivery again now (same webhook-id, fresh signature), shows the
 * outcome inline and refreshes the page so the new attempt appears in the list.
 */
export function RedeliverButton({ deliveryId, endpointActive }: { deliveryId: string; endpointActive: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<{ result: ManualAttemptResult } | { error: string } | null>(null);

  async function redeliver() {
    setPending(true);
    setOutcome(null);
    try {
      const response = await apiFetch<{ result: ManualAttemptResult }>(`/api/webhooks/deliveries/${deliveryId}/redeliver`, { method: "POST", body: {} });
      setOutcome({ result: response.result });
      router.refresh();
    } catch (caught) {
      setOutcome({ error: errorMessage(caught) });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button loading={pending} disabled={!endpointActive} onClick={() => void redeliver()} aria-describedby={endpointActive ? undefined : "redeliver-disabled"}>
          Redeliver
        </Button>
        {endpointActive ? (
          <span className="text-sm text-slate-600">Sends the same payload again now, with the same webhook-id.</span>
        ) : (
          <span id="redeliver-disabled" className="text-sm text-slate-600">
            The endpoint is disabled; enable it before redelivering.
          </span>
        )}
      </div>
      <div aria-live="polite">
        {outcome ? (
          <div data-testid="redeliver-result">
            {"result" in outcome ? (
              <AttemptResult result={outcome.result} />
            ) : (
              <Alert tone="error" title="The delivery could not be sent again">
                {outcome.error}
              </Alert>
            )}
          </div>
        ) : null}
      </div>
    </div>
  );
}
