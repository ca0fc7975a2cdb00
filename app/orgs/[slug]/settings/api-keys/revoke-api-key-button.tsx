"use client";

import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { showNotice } from "@/app/_components/flash-notice";
import { useApiFetch } from "@/app/_components/organization-context";

/** Revokes a key after confirmation (and says so); requests that use it are refused from then on. */
export function RevokeApiKeyButton({ keyId, name }: { keyId: string; name: string }) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  return (
    <ConfirmButton
      variant="ghost"
      className="text-red-700 hover:bg-red-50 hover:text-red-800"
      aria-label={`Revoke key ${name}`}
      title={`Revoke “${name}”?`}
      description="Requests that use this key will be refused with 401 immediately. This cannot be undone; create a new key if you need one."
      confirmLabel="Revoke key"
      onConfirm={async () => {
        await apiFetch(`/api/api-keys/${encodeURIComponent(keyId)}`, { method: "DELETE" });
        showNotice(`API key “${name}” revoked.`);
        router.refresh();
      }}
    >
      Revoke
    </ConfirmButton>
  );
}
