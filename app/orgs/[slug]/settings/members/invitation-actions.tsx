"use client";

import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { CopyButton } from "@/app/_components/copy-button";
import { showNotice } from "@/app/_components/flash-notice";
import { useOrigin } from "@/app/_components/use-origin";
import { authClient } from "@/lib/auth/client";
import { UNREACHABLE_MESSAGE } from "@/app/_components/api";

/** Copy the link of a pending invitation, or cancel it (the link stops working; the page says so). */
export function InvitationActions({ invitationId, email, expired }: { invitationId: string; email: string; expired: boolean }) {
  const router = useRouter();
  const origin = useOrigin();
  const link = `${origin}/accept-invitation/${encodeURIComponent(invitationId)}`;

  async function cancel() {
    // better-auth's client rejects, rather than answering `error`, when no response arrives.
    const { error } = await authClient.organization.cancelInvitation({ invitationId }).catch(() => {
      throw new Error(UNREACHABLE_MESSAGE);
    });
    if (error) throw new Error(error.message || "Could not cancel the invitation.");
    showNotice(expired ? `Expired invitation for ${email} removed.` : `Invitation for ${email} cancelled.`);
    router.refresh();
  }

  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      {expired || !origin ? null : <CopyButton value={link} label="Copy link" aria-label={`Copy link to the invitation for ${email}`} />}
      <ConfirmButton
        variant="ghost"
        className="text-red-700 hover:bg-red-50 hover:text-red-800"
        aria-label={`${expired ? "Remove" : "Cancel"} invitation for ${email}`}
        title={expired ? "Remove expired invitation?" : "Cancel invitation?"}
        description={expired ? `The invitation for ${email} has expired; this removes it from the list.` : `The link sent to ${email} will stop working.`}
        confirmLabel={expired ? "Remove invitation" : "Cancel invitation"}
        cancelLabel="Keep it"
        onConfirm={cancel}
      >
        {expired ? "Remove" : "Cancel"}
      </ConfirmButton>
    </div>
  );
}
