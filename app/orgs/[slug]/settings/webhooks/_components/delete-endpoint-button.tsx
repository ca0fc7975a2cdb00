"use client";

import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { showNotice } from "@/app/_components/flash-notice";
import { useApiFetch, useOrganization } from "@/app/_components/organization-context";
import { orgPath } from "@/app/_components/org-paths";

/** Deletes the endpoint after a confirmation, then goes back to the list, which says it was deleted. Errors show in the dialog. */
export function DeleteEndpointButton({ endpointId, host }: { endpointId: string; host: string }) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const { slug } = useOrganization();

  async function remove() {
    await apiFetch(`/api/webhooks/endpoints/${endpointId}`, { method: "DELETE" });
    const list = orgPath(slug);
    showNotice(`Endpoint ${host} deleted.`, list);
    router.push(list);
    router.refresh();
  }

  return (
    <ConfirmButton
      variant="danger"
      title="Delete this endpoint?"
      confirmLabel="Delete endpoint"
      description={
        <>
          <p>
            <span className="font-medium text-slate-900">{host}</span> will stop receiving events at once. Its pending deliveries are
            dropped, and its delivery history is deleted with it.
          </p>
          <p className="mt-2">This cannot be undone.</p>
        </>
      }
      onConfirm={remove}
    >
      Delete endpoint
    </ConfirmButton>
  );
}
