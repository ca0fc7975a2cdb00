"use client";

import { useState } from "react";
import { Alert } from "@/app/_components/alert";
import { Button, type ButtonSize } from "@/app/_components/button";
import { authClient } from "@/lib/auth/client";

/**
 * Mails the signed-in user a new verification link; opening it verifies the
 * address and comes back to `callbackPath` (a path of this app).
 */
export function ResendVerificationButton({ email, callbackPath, size = "md" }: { email: string; callbackPath: string; size?: ButtonSize }) {
  const [state, setState] = useState<"idle" | "pending" | "sent" | "error">("idle");
  const [message, setMessage] = useState<string | null>(null);

  async function resend() {
    setState("pending");
    const { error } = await authClient.sendVerificationEmail({ email, callbackURL: callbackPath });
    if (error) {
      setState("error");
      setMessage(error.status === 429 ? "Too many attempts. Wait a minute and try again." : error.message || "Could not send the mail. Please try again.");
      return;
    }
    setState("sent");
  }

  return (
    <div className="space-y-3">
      <Button size={size} variant="secondary" loading={state === "pending"} onClick={() => void resend()}>
        {state === "sent" ? "Send it again" : "Resend verification email"}
      </Button>
      {state === "sent" ? (
        <Alert tone="success">
          We sent a new link to <span className="font-medium">{email}</span>. Open it, then come back here.
        </Alert>
      ) : null}
      {state === "error" && message ? <Alert tone="error">{message}</Alert> : null}
    </div>
  );
}
