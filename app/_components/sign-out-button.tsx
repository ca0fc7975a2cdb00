"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth/client";
import { Button, type ButtonSize, type ButtonVariant } from "./button";

export interface SignOutButtonProps {
  /** Where to go afterwards; default "/sign-in". */
  redirectTo?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
}

/** Ends the session (better-auth) and goes to the sign-in page. */
export function SignOutButton({ redirectTo = "/sign-in", variant = "ghost", size = "sm", className }: SignOutButtonProps) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  async function signOut() {
    setPending(true);
    setFailed(false);
    const { error } = await authClient.signOut();
    if (error) {
      setPending(false);
      setFailed(true);
      return;
    }
    router.replace(redirectTo);
    router.refresh();
  }

  return (
    <span className="inline-flex items-center gap-2">
      <Button variant={variant} size={size} className={className} loading={pending} onClick={() => void signOut()}>
        Sign out
      </Button>
      {failed ? (
        <span role="alert" className="text-sm text-red-700">
          Could not sign out. Try again.
        </span>
      ) : null}
    </span>
  );
}
