"use client";

import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { isEmail } from "@/app/_components/validation";
import { authClient } from "@/lib/auth/client";

/**
 * Asks better-auth to mail a reset link (request-password-reset). The answer
 * is the same whether or not the address has an account, so it tells nobody which do.
 */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setFormError(null);
    if (!isEmail(email)) {
      setError(email.trim() === "" ? "Enter your email address." : "Enter an email address like name@company.com.");
      return emailRef.current?.focus();
    }
    setPending(true);
    const result = await authClient.requestPasswordReset({ email: email.trim(), redirectTo: "/reset-password" });
    setPending(false);
    if (result.error) {
      setFormError(result.error.status === 429 ? "Too many attempts. Wait a minute and try again." : result.error.message || "Could not send the mail. Please try again.");
      return;
    }
    setSentTo(email.trim());
  }

  if (sentTo) {
    return (
      <Alert tone="success" title="Check your email">
        If <span className="font-medium">{sentTo}</span> has an account, we sent it a link to choose a new password. The link works for one hour.
      </Alert>
    );
  }

  return (
    // method="post": a submit before the page is interactive must not put the field into the URL.
    <form method="post" noValidate onSubmit={(event) => void onSubmit(event)} className="space-y-5">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <Field
        ref={emailRef}
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        value={email}
        error={error}
        onChange={(event) => {
          setEmail(event.target.value);
          setError(null);
        }}
      />
      <Button type="submit" loading={pending} className="w-full">
        Send reset link
      </Button>
    </form>
  );
}
