"use client";

import { Alert } from "@/app/_components/alert";
import { Button } from "@/app/_components/button";
import { useManualAttempt } from "./use-manual-attempt";
import { AttemptResult } from "./attempt-result";

/** "Send test event": one signed `webhook.test` delivery, sent now, with the outcome shown inline. */
export function TestEventButton({ endpointId }: { endpointId: string }) {
  const { pending, outcome, run: send } = useManualAttempt(`/api/webhooks/endpoints/${endpointId}/test`);

  return (
    <div className="space-y-3">
      <Button variant="secondary" loading={pending} onClick={() => void send()}>
        Send test event
      </Button>
      <div aria-live="polite">
        {outcome ? (
          <div data-testid="test-result">
            {"result" in outcome ? (
              <AttemptResult result={outcome.result} showDeliveryLink />
            ) : (
              <Alert tone="error" title="The test event could not be sent">
                {outcome.error}
              </Alert>
            )}
          </div>
        ) : null}
      </div>
    </div>
  );
}
