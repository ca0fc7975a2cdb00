"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { textLinkClassName } from "@/app/_components/auth-card";
import { Button, buttonClassName } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { PASSWORD_MAX, PASSWORD_MIN } from "@/app/_components/validation";
import { authClient } from "@/lib/auth/client";

/** Sets a new password with the mailed token (better-auth reset-password); the token works once. */
export function ResetPasswordForm({ token }: { token: string }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, setPending] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setFormError(null);
    if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
      setError(password.length < PASSWORD_MIN ? `Use at least ${PASSWORD_MIN} characters.` : `Use at most ${PASSWORD_MAX} characters.`);
      return passwordRef.current?.focus();
    }
    setPending(true);
    const result = await authClient.resetPassword({ newPassword: password, token });
    setPending(false);
    if (result.error) {
      setFormError(
        result.error.code === "INVALID_TOKEN"
          ? "This link is expired or was already used. Ask for a new one."
          : result.error.message || "Could not change the password. Please try again.",
      );
      return;
    }
    setDone(true);
  }

  if (done) {
    return (
      <div className="space-y-4">
        <Alert tone="success">Your password is changed. Sign in with the new one.</Alert>
        <Link href="/sign-in" className={buttonClassName({ className: "w-full" })}>
          Sign in
        </Link>
      </div>
    );
  }

  return (
    // method="post": a submit before the page is interactive must not put the field into the URL.
    <form method="post" noValidate onSubmit={(event) => void onSubmit(event)} className="space-y-5">
      {formError ? (
        <Alert tone="error">
          {formError}{" "}
          <Link href="/forgot-password" className={textLinkClassName}>
            Send a new link
          </Link>
        </Alert>
      ) : null}
      <Field
        ref={passwordRef}
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN}
        hint={`At least ${PASSWORD_MIN} characters.`}
        value={password}
        error={error}
        onChange={(event) => {
          setPassword(event.target.value);
          setError(null);
        }}
      />
      <Button type="submit" loading={pending} className="w-full">
        Set new password
      </Button>
    </form>
  );
}
