"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { showNotice } from "@/app/_components/flash-notice";
import { useApiFetch } from "@/app/_components/organization-context";
import type { ApiKeyScope } from "@/lib/api-key-scopes";
import { ScopeCheckboxes } from "./scope-checkboxes";

/** Changes what an active key may do; the key itself stays the same, so nothing needs redeploying. */
export function EditScopesButton({ keyId, name, scopes }: { keyId: string; name: string; scopes: readonly ApiKeyScope[] }) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [selected, setSelected] = useState<ApiKeyScope[]>([...scopes]);
  return (
    <ConfirmButton
      variant="ghost"
      tone="primary"
      aria-label={`Change scopes of key ${name}`}
      title={`Scopes of “${name}”`}
      description="Requests the key makes from now on are checked against these scopes; a request that needs a missing scope is answered 403 naming it."
      dialogContent={<ScopeCheckboxes value={selected} onChange={setSelected} legend="This key may" />}
      confirmLabel="Save scopes"
      onOpen={() => setSelected([...scopes])}
      onConfirm={async () => {
        if (selected.length === 0) throw new Error("Choose at least one scope, or revoke the key instead.");
        await apiFetch(`/api/api-keys/${encodeURIComponent(keyId)}`, { method: "PATCH", body: { scopes: selected } });
        showNotice(`Scopes of “${name}” saved.`);
        router.refresh();
      }}
    >
      Scopes
    </ConfirmButton>
  );
}
