"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { buttonClassName } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { CopyButton } from "@/app/_components/copy-button";
import { useApiFetch } from "@/app/_components/organization-context";
import { NewCredentialAlert } from "./new-credential-alert";

export interface PublicKeyPanelProps {
  endpointId: string;
  /** `whpk_…`: what the receiver verifies `v1a` signatures with. */
  publicKey: string;
  /** The same key as a PEM `PUBLIC KEY` block, made on the server. */
  pem: string;
  /** Owners and admins may rotate the key pair; members only read the public key. */
  canManage: boolean;
  /** How long the previous key keeps signing after a rotation, in words ("24 hours"). */
  graceText: string;
}

/** The PEM as a link target: the file downloads without another request (the key is not secret). */
export function pemDownloadHref(pem: string): string {
  return `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(pem)}`;
}

/**
 * An Ed25519 endpoint's signing key: the public key, shown to every member (it is not secret),
 * copied or downloaded as PEM; owners and admins rotate the key pair. The private key never
 * leaves the server, so there is nothing to reveal.
 */
export function PublicKeyPanel({ endpointId, publicKey, pem, canManage, graceText }: PublicKeyPanelProps) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [rotated, setRotated] = useState<{ publicKey: string; previousExpiresAt: string | null } | null>(null);

  /** `immediately`: the old key stops signing now (no grace period). */
  async function rotate(immediately: boolean) {
    const response = await apiFetch<{ publicKey: string; endpoint: { previousSecretExpiresAt: string | null } }>(
      `/api/webhooks/endpoints/${endpointId}/rotate-secret`,
      { method: "POST", body: immediately ? { graceSeconds: 0 } : {} },
    );
    setRotated({ publicKey: response.publicKey, previousExpiresAt: response.endpoint.previousSecretExpiresAt });
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <code data-testid="public-key" className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-900">
          {publicKey}
        </code>
        <CopyButton value={publicKey} variant="secondary" size="sm" aria-label="Copy public key" />
        <a href={pemDownloadHref(pem)} download={`${endpointId}-public-key.pem`} className={buttonClassName({ variant: "secondary", size: "sm" })}>
          Download PEM
        </a>
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer text-indigo-700 hover:text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
          Show as PEM
        </summary>
        <pre data-testid="public-key-pem" tabIndex={0} className="mt-2 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
          {pem}
        </pre>
      </details>

      {canManage ? (
        <div className="flex flex-wrap items-center gap-3">
          <ConfirmButton
            title="Rotate the signing key pair?"
            confirmLabel="Rotate key pair"
            description={
              <>
                <p>A new key pair is made right away. Give your receiver the new public key.</p>
                <p className="mt-2">
                  For the next {graceText}, every request carries a signature by the new key and one by the old key, so your receiver keeps
                  working while you update it. After that, only the new key signs.
                </p>
              </>
            }
            onConfirm={() => rotate(false)}
          >
            Rotate key pair
          </ConfirmButton>
          <ConfirmButton
            title="Rotate now, with no grace period?"
            confirmLabel="Rotate now"
            description={
              <>
                <p>For a key you no longer trust. A new key pair is made.</p>
                <p className="mt-2">
                  The old key stops signing immediately, and so does any earlier one still in its grace period: requests fail verification at
                  your receiver until it has the new public key.
                </p>
              </>
            }
            onConfirm={() => rotate(true)}
          >
            Rotate now (no grace)
          </ConfirmButton>
        </div>
      ) : null}

      {rotated ? (
        <NewCredentialAlert
          title="Key pair rotated"
          value={rotated.publicKey}
          testId="rotated-public-key"
          copyLabel="Copy new public key"
          previous={{ expiresAt: rotated.previousExpiresAt, name: "key" }}
        >
          Give your receiver the new public key:
        </NewCredentialAlert>
      ) : null}
    </div>
  );
}
