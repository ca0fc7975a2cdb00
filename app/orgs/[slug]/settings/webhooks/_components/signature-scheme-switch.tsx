"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { useApiFetch } from "@/app/_components/organization-context";
import { NewCredentialAlert } from "./new-credential-alert";
import type { SignatureScheme } from "@/lib/webhooks/signing-keys";

export interface SignatureSchemeSwitchProps {
  endpointId: string;
  scheme: SignatureScheme;
  /** How long the current credential keeps signing after the switch, in words ("24 hours"). */
  graceText: string;
}

/** What each scheme is, in one line. */
const SCHEME_TEXT: Record<SignatureScheme, { name: string; summary: string }> = {
  hmac: { name: "HMAC-SHA256", summary: "a shared secret that both we and your receiver hold (v1 signatures)" },
  ed25519: { name: "Ed25519", summary: "a key pair: we keep the private key, your receiver holds only the public key (v1a signatures)" },
};

/**
 * Owners and admins switch how an endpoint signs. The switch makes a credential of the other
 * scheme while the current one keeps signing for the rotation grace, so a receiver that
 * verifies either keeps working during the change; a new HMAC secret is shown once.
 */
export function SignatureSchemeSwitch({ endpointId, scheme, graceText }: SignatureSchemeSwitchProps) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [newSecret, setNewSecret] = useState<string | null>(null);
  const target: SignatureScheme = scheme === "hmac" ? "ed25519" : "hmac";

  async function change() {
    const response = await apiFetch<{ secret?: string }>(`/api/webhooks/endpoints/${endpointId}`, { method: "PATCH", body: { signatureScheme: target } });
    setNewSecret(response.secret ?? null);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        Signs with <strong>{SCHEME_TEXT[scheme].name}</strong>: {SCHEME_TEXT[scheme].summary}.
      </p>
      <ConfirmButton
        variant="secondary"
        title={`Switch to ${SCHEME_TEXT[target].name} signatures?`}
        confirmLabel={`Switch to ${SCHEME_TEXT[target].name}`}
        description={
          <>
            <p>
              {target === "ed25519"
                ? "A key pair is made right away; your receiver verifies with its public key, shown on this page."
                : "A new shared secret is made right away and shown to you once."}
            </p>
            <p className="mt-2">
              For the next {graceText}, every request carries both the {SCHEME_TEXT[scheme].name} signature and the new {SCHEME_TEXT[target].name}{" "}
              one, so your receiver keeps working while you update it. After that, only {SCHEME_TEXT[target].name} signs
              {target === "ed25519" ? ", and the x-webhook-signature header is no longer sent" : ""}.
            </p>
          </>
        }
        onConfirm={change}
      >
        Switch to {SCHEME_TEXT[target].name}
      </ConfirmButton>
      {newSecret ? (
        <NewCredentialAlert title="Switched to HMAC-SHA256" value={newSecret} testId="switched-secret" copyLabel="Copy new signing secret">
          Copy the new signing secret now and give it to your receiver: this is the only time it is shown on its own.
        </NewCredentialAlert>
      ) : null}
    </div>
  );
}
