"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/app/_components/alert";
import { apiFetch, errorMessage } from "@/app/_components/api";
import { Button } from "@/app/_components/button";
import { AttemptResult, type ManualAttemptResult } from "./attempt-result";

/** "Send test event": one signed `webhook.test` delivery, sent now, with the outcome shown inline. */
export function TestEventButton({ endpointId }: { endpointId: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<{ result: ManualAttemptResult } | { error: string } | null>(null);

  async function send() {
    setPending(true);
    setOutcome(null);
    try {
      const response = await apiFetch<{ result: ManualAttemptResult }>(`/api/webhooks/endpoints/${endpointId}/test`, { method: "POST", body: {} });
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
