"use client";

import { useState } from "react";
import { Alert } from "@/app/_components/alert";
import { Button } from "@/app/_components/button";
import { plural } from "@/app/_components/format";
import { useApiPost } from "@/app/_components/use-api-post";
import { DateTime } from "@/app/_components/time";
import { showNotice } from "@/app/_components/flash-notice";

/**
 * The offer an endpoint's page makes once it is enabled again: "replay the N events since it
 * was disabled". They go through the normal queue, each with its own webhook-id.
 */
export function ReplayMissed({ endpointId, count, since }: { endpointId: string; count: number; since: string }) {
  const { pending, error, post } = useApiPost();
  const [message, setMessage] = useState<string | null>(null);

  async function replay() {
    const response = await post<{ requeued: number }>(`/api/webhooks/endpoints/${endpointId}/recover`, { missed: true });
    if (!response) return;
    const done = `${plural(response.requeued, "event", "events")} queued for delivery again.`;
    setMessage(done);
    // The page's refresh drops this offer (nothing is missed any more); the notice outlives it.
    showNotice(done);
  }

  return (
    <div className="space-y-3 rounded-md border border-amber-200 bg-amber-50 p-4">
      {message ? null : (
        <>
          <p className="text-sm text-slate-800">
            While this endpoint was disabled (since <DateTime value={since} />), {plural(count, "event", "events")} it subscribes to {count === 1 ? "was" : "were"} not
            sent to it.
          </p>
          <Button variant="secondary" size="sm" loading={pending} onClick={() => void replay()}>
            Replay the {plural(count, "event", "events")} since it was disabled
          </Button>
        </>
      )}
      {error ? <Alert tone="error">{error}</Alert> : null}
      <p role="status" className="text-sm font-medium text-green-700">
        {message}
      </p>
    </div>
  );
}
