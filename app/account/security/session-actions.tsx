"use client";

import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { authClient } from "@/lib/auth/client";
import { revokeSessionAction } from "./actions";

/** Signs out one other session of the viewer's. */
export function RevokeSessionButton({ sessionId, device }: { sessionId: string; device: string }) {
  const router = useRouter();
  return (
    <ConfirmButton
      title="Sign out this session?"
      description={`${device} will need to sign in again.`}
      confirmLabel="Sign out session"
      aria-label={`Sign out session on ${device}`}
      onConfirm={async () => {
        if (!(await revokeSessionAction(sessionId))) throw new Error("This session has already ended.");
        router.refresh();
      }}
    >
      Sign out
    </ConfirmButton>
  );
}

/** Ends every session of the viewer's except this browser's (better-auth `revokeOtherSessions`). */
export function SignOutOthersButton({ disabled }: { disabled: boolean }) {
  const router = useRouter();
  return (
    <ConfirmButton
      title="Sign out everywhere else?"
      description="Every other browser and device signed in to your account will need to sign in again. This browser stays signed in."
      confirmLabel="Sign out everywhere else"
      disabled={disabled}
      onConfirm={async () => {
        const { error } = await authClient.revokeOtherSessions();
        if (error) throw new Error(error.message || "Could not sign out the other sessions.");
        router.refresh();
      }}
    >
      Sign out everywhere else
    </ConfirmButton>
  );
}
