"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/app/_components/alert";
import { errorMessage } from "@/app/_components/api";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { useApiFetch } from "@/app/_components/organization-context";
import { NewCredentialAlert } from "./new-credential-alert";

export interface SecretPanelProps {
  endpointId: string;
  /** How long the previous secret keeps signing after a rotation, in words ("24 hours"). */
  graceText: string;
}

type CopyState = "idle" | "copying" | "copied" | "failed";

/**
 * Signing secret controls for owners and admins: reveal, copy, rotate. The
 * secret is fetched only when asked for and never rendered by the server.
 */
export function SecretPanel({ endpointId, graceText }: SecretPanelProps) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [secret, setSecret] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);
  const [copyState, setCopyState] = useState<CopyState>("idle");
  const [error, setError] = useState<string | null>(null);
  const [rotated, setRotated] = useState<{ secret: string; previousExpiresAt: string | null } | null>(null);

  async function fetchSecret(): Promise<string> {
    const response = await apiFetch<{ secret: string }>(`/api/webhooks/endpoints/${endpointId}/secret`);
    return response.secret;
  }

  async function reveal() {
    if (secret) {
      setSecret(null);
      return;
    }
    setRevealing(true);
    setError(null);
    try {
      setSecret(await fetchSecret());
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setRevealing(false);
    }
  }

  /** Copies without showing the secret; if the clipboard refuses, reveals it so it can be copied by hand. */
  async function copy() {
    setCopyState("copying");
    setError(null);
    let value: string;
    try {
      value = secret ?? (await fetchSecret());
    } catch (caught) {
      setError(errorMessage(caught));
      setCopyState("idle");
      return;
    }
    try {
      await navigator.clipboard.writeText(value);
      setCopyState("copied");
      setTimeout(() => setCopyState((state) => (state === "copied" ? "idle" : state)), 2000);
    } catch {
      setSecret(value);
      setCopyState("failed");
    }
  }

  /** `immediately`: for a leaked secret, the old one stops signing now (no grace period). */
  async function rotate(immediately: boolean) {
    const response = await apiFetch<{ secret: string; endpoint: { previousSecretExpiresAt: string | null } }>(
      `/api/webhooks/endpoints/${endpointId}/rotate-secret`,
      { method: "POST", body: immediately ? { graceSeconds: 0 } : {} },
    );
    setSecret(null);
    setRotated({ secret: response.secret, previousExpiresAt: response.endpoint.previousSecretExpiresAt });
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        {secret ? (
          <code data-testid="revealed-secret" className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-900">
            {secret}
          </code>
        ) : (
          <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-700">
            <span aria-hidden="true">whsec_••••••••</span>
            <span className="sr-only">Signing secret hidden</span>
          </code>
        )}
        <Button variant="secondary" size="sm" loading={revealing} onClick={() => void reveal()}>
          {secret ? "Hide" : "Reveal"}
        </Button>
        <Button variant="secondary" size="sm" loading={copyState === "copying"} onClick={() => void copy()} aria-label="Copy signing secret">
          {copyState === "copied" ? "Copied" : "Copy"}
        </Button>
        <span role="status" className={copyState === "failed" ? "text-sm text-red-700" : "sr-only"}>
          {copyState === "copied"
            ? "Signing secret copied to clipboard"
            : copyState === "failed"
              ? "Could not copy. The secret is shown so you can copy it by hand."
              : ""}
        </span>
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}

      <div className="flex flex-wrap items-center gap-3">
        <ConfirmButton
          title="Rotate the signing secret?"
          confirmLabel="Rotate secret"
          description={
            <>
              <p>A new secret is created right away and shown to you once.</p>
              <p className="mt-2">
                For the next {graceText}, every request is signed with both the new and the old secret, so your receiver keeps
                working while you update it. After that, only the new secret is used.
              </p>
            </>
          }
          onConfirm={() => rotate(false)}
        >
          Rotate secret
        </ConfirmButton>
        <ConfirmButton
          title="Rotate now, with no grace period?"
          confirmLabel="Rotate now"
          description={
            <>
              <p>For a secret that has leaked. A new secret is created and shown to you once.</p>
              <p className="mt-2">
                The old secret stops signing immediately, and so does any earlier secret still in its grace period: requests
                fail verification at your receiver until it has the new secret.
              </p>
            </>
          }
          onConfirm={() => rotate(true)}
        >
          Rotate now (leaked secret)
        </ConfirmButton>
      </div>

      {rotated ? (
        <NewCredentialAlert
          title="Secret rotated"
          value={rotated.secret}
          testId="rotated-secret"
          copyLabel="Copy new signing secret"
          previous={{ expiresAt: rotated.previousExpiresAt, name: "secret" }}
        >
          Copy the new secret now and update your receiver.
        </NewCredentialAlert>
      ) : null}
    </div>
  );
}
