"use client";

import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { authClient } from "@/lib/auth/client";

/** What to tell the user, from better-auth's error code (TWO_FACTOR_ERROR_CODES). */
function codeErrorMessage(failure: { code?: string; status: number; message?: string }, recovery: boolean): string {
  switch (failure.code) {
    case "INVALID_TWO_FACTOR_COOKIE":
    case "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE":
      return "This sign-in has expired or had too many wrong codes. Go back and enter your password again.";
    case "ACCOUNT_TEMPORARILY_LOCKED":
      return "Too many wrong codes. Your account is locked for a while; try again later.";
  }
  if (failure.status === 429) return "Too many attempts. Wait a minute and try again.";
  return recovery
    ? "That recovery code is not valid or has been used. Check it and try again."
    : "That code is not valid. Enter the current code from your authenticator app.";
}

export interface TwoFactorStepProps {
  /** Called once the code is accepted and the session exists. */
  onSignedIn: () => void;
  /** Back to the email and password step. */
  onCancel: () => void;
}

/**
 * The second step of signing in when the account has two-factor on: a 6-digit
 * code from the authenticator app, or one of the recovery codes (each works
 * once). better-auth keeps the half-done sign-in in a short-lived cookie set by
 * the password step; no session exists until this step succeeds.
 */
export function TwoFactorStep({ onSignedIn, onCancel }: TwoFactorStepProps) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const value = code.replace(/\s+/g, "");
    if (value === "") {
      setError(useRecovery ? "Enter one of your recovery codes." : "Enter the 6-digit code from your authenticator app.");
      return codeRef.current?.focus();
    }
    setPending(true);
    setError(null);
    const { error: failure } = useRecovery
      ? await authClient.twoFactor.verifyBackupCode({ code: value })
      : await authClient.twoFactor.verifyTotp({ code: value });
    if (failure) {
      setPending(false);
      setError(codeErrorMessage(failure, useRecovery));
      codeRef.current?.focus();
      return;
    }
    // Stay "pending" until the next page replaces this one.
    onSignedIn();
  }

  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} className="space-y-5" aria-labelledby="two-factor-heading">
      <div>
        <h2 id="two-factor-heading" className="text-base font-semibold text-slate-900">
          Two-factor authentication
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {useRecovery
            ? "Enter one of the recovery codes you saved when you turned two-factor on. Each code works once."
            : "Enter the 6-digit code your authenticator app shows for Webhooks."}
        </p>
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Field
        ref={codeRef}
        key={useRecovery ? "recovery" : "totp"}
        label={useRecovery ? "Recovery code" : "Authentication code"}
        name="code"
        autoComplete="one-time-code"
        inputMode={useRecovery ? "text" : "numeric"}
        autoFocus
        required
        value={code}
        maxLength={useRecovery ? 64 : 6}
        onChange={(event) => {
          setCode(event.target.value);
          if (error) setError(null);
        }}
      />
      <Button type="submit" loading={pending} className="w-full">
        Verify
      </Button>
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        <button
          type="button"
          className="rounded font-medium text-indigo-600 hover:text-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode("");
            setError(null);
          }}
        >
          {useRecovery ? "Use a code from the app instead" : "Use a recovery code instead"}
        </button>
        <button
          type="button"
          className="rounded text-slate-600 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
          onClick={onCancel}
        >
          Back
        </button>
      </div>
    </form>
  );
}
