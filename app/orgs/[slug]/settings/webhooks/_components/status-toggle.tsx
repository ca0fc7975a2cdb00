"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/app/_components/alert";
import { errorMessage } from "@/app/_components/api";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { useApiFetch } from "@/app/_components/organization-context";

/**
 * Enable / disable an endpoint. Disabling asks first because it cancels the
 * endpoint's pending deliveries; enabling is immediate.
 */
export function StatusToggle({ endpointId, status }: { endpointId: string; status: "active" | "disabled" }) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function setStatus(next: "active" | "disabled") {
    await apiFetch(`/api/webhooks/endpoints/${endpointId}`, { method: "PATCH", body: { status: next } });
    router.refresh();
  }

  async function enable() {
    setPending(true);
    setError(null);
    try {
      await setStatus("active");
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-3">
      {status === "active" ? (
        <ConfirmButton
          title="Disable this endpoint?"
          confirmLabel="Disable endpoint"
          description="No new deliveries will be sent to it, and its pending deliveries are cancelled. What it misses is kept: when you enable it again you can replay it."
          onConfirm={() => setStatus("disabled")}
        >
          Disable endpoint
        </ConfirmButton>
      ) : (
        <Button variant="secondary" size="sm" loading={pending} onClick={() => void enable()}>
          Enable endpoint
        </Button>
      )}
      {error ? <Alert tone="error">{error}</Alert> : null}
    </div>
  );
}
