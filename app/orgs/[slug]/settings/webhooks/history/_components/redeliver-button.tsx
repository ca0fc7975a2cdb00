"use client";

import { Button } from "@/app/_components/button";
import { useManualAttempt } from "../../_components/use-manual-attempt";
import { ManualAttemptOutcomeView } from "../../_components/attempt-result";

/**
 * Sends this delivery again now (same webhook-id, fresh signature), shows the
 * outcome inline and refreshes the page so the new attempt appears in the list.
 * `outsideOrder`: the delivery is in an ordered endpoint's key queue, which a
 * redelivery does not wait for; the button says so before it is pressed.
 */
export function RedeliverButton({ deliveryId, endpointActive, outsideOrder = false }: { deliveryId: string; endpointActive: boolean; outsideOrder?: boolean }) {
  const { pending, outcome, run: redeliver } = useManualAttempt(`/api/webhooks/deliveries/${deliveryId}/redeliver`);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button loading={pending} disabled={!endpointActive} onClick={() => void redeliver()} aria-describedby={endpointActive ? undefined : "redeliver-disabled"}>
          Redeliver
        </Button>
        {endpointActive ? (
          <span className="text-sm text-slate-600">
            Sends the same payload again now, with the same webhook-id. The automatic retries stay as they are.
            {outsideOrder ? " This endpoint delivers in order by key: a redelivery goes now, outside that order, without waiting for earlier deliveries of its key." : null}
          </span>
        ) : (
          <span id="redeliver-disabled" className="text-sm text-slate-600">
            The endpoint is disabled; enable it before redelivering.
          </span>
        )}
      </div>
      <ManualAttemptOutcomeView outcome={outcome} testId="redeliver-result" errorTitle="The delivery could not be sent again" />
    </div>
  );
}
