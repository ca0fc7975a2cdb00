"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "./alert";
import { Button, type ButtonSize } from "./button";
import { orgPath } from "./org-paths";
import { authClient } from "@/lib/auth/client";

export interface AcceptInvitationButtonProps {
  invitationId: string;
  organizationName: string;
  organizationSlug: string;
  size?: ButtonSize;
  /** Default "Accept invitation". */
  label?: string;
}

const FRIENDLY: Record<string, string> = {
  INVITATION_NOT_FOUND: "This invitation is no longer valid: it was cancelled, already used or has expired. Ask for a new one.",
  YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION: "This invitation was sent to a different email address than the one you are signed in with.",
  EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION:
    "Verify your email first: open the link in the verification email we sent you, then accept.",
  ORGANIZATION_MEMBERSHIP_LIMIT_REACHED: "This organization has reached its member limit. Ask an owner to make room.",
};

/** Joins the organization (better-auth) and opens its webhooks. */
export function AcceptInvitationButton({ invitationId, organizationName, organizationSlug, size = "md", label = "Accept invitation" }: AcceptInvitationButtonProps) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function accept() {
    setPending(true);
    setError(null);
    const accepted = await authClient.organization.acceptInvitation({ invitationId });
    if (accepted.error) {
      setPending(false);
      const code = accepted.error.code ?? "";
      setError(FRIENDLY[code] ?? (accepted.error.message || "Could not accept the invitation. Please try again."));
      return;
    }
    router.push(orgPath(organizationSlug));
    router.refresh();
  }

  return (
    <div className="space-y-3">
      <Button size={size} loading={pending} onClick={() => void accept()}>
        {label}
        {label === "Accept invitation" ? <span className="sr-only"> to {organizationName}</span> : null}
      </Button>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </div>
  );
}
