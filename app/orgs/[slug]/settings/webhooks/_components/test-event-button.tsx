"use client";

import { Button } from "@/app/_components/button";
import { useManualAttempt } from "./use-manual-attempt";
import { ManualAttemptOutcomeView } from "./attempt-result";

/** "Send test event": one signed `webhook.test` delivery, sent now, with the outcome shown inline. */
export function TestEventButton({ endpointId }: { endpointId: string }) {
  const { pending, outcome, run: send } = useManualAttempt(`/api/webhooks/endpoints/${endpointId}/test`);

  return (
    <div className="space-y-3">
      <Button variant="secondary" loading={pending} onClick={() => void send()}>
        Send test event
      </Button>
      <ManualAttemptOutcomeView outcome={outcome} testId="test-result" errorTitle="The test event could not be sent" showDeliveryLink />
    </div>
  );
}
