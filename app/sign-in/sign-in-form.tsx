"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { textLinkClassName } from "@/app/_components/auth-card";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { authClient } from "@/lib/auth/client";
import { isEmail } from "@/app/_components/validation";
import { TwoFactorStep } from "./two-factor-step";

interface Errors {
  email?: string;
  password?: string;
}

function validate(email: string, password: string): Errors {
  const errors: Errors = {};
  if (email.trim() === "") errors.email = "Enter your email address.";
  else if (!isEmail(email)) errors.email = "Enter an email address like name@company.com.";
  if (password === "") errors.password = "Enter your password.";
  return errors;
}

/** Email + password sign-in (better-auth); on success goes to `next`, or home (`/`: the organization used last, or onboarding). */
export function SignInForm({ next }: { next: string | null }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const found = validate(email, password);
    setErrors(found);
    setFormError(null);
    if (found.email) return emailRef.current?.focus();
    if (found.password) return passwordRef.current?.focus();

    setPending(true);
    const { data, error } = await authClient.signIn.email({ email: email.trim(), password });
    if (error) {
      setPending(false);
      setFormError(
        error.code === "INVALID_EMAIL_OR_PASSWORD" || error.status === 401
          ? "That email and password don't match an account. Check them and try again."
          : error.code === "EMAIL_NOT_VERIFIED"
            ? "Verify your email address first: we sent you a new link. Open it, then sign in."
            : error.status === 429
              ? "Too many attempts. Wait a minute and try again."
              : error.message || "Could not sign in. Please try again.",
      );
      return;
    }
    // Two-factor on: the password was right, but no session until a code is given.
    if (data && "twoFactorRedirect" in data && data.twoFactorRedirect) {
      setPending(false);
      setNeedsCode(true);
      return;
    }
    // Stay "pending" until the next page replaces this one.
    goOn();
  }

  function goOn() {
    router.push(next ?? "/");
    router.refresh();
  }

  if (needsCode) {
    return (
      <TwoFactorStep
        onSignedIn={goOn}
        onCancel={() => {
          setNeedsCode(false);
          setPassword("");
        }}
      />
    );
  }

  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} className="space-y-5">
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
        error={errors.email}
        onChange={(event) => {
          setEmail(event.target.value);
          if (errors.email) setErrors({ ...errors, email: undefined });
        }}
      />
      <Field
        ref={passwordRef}
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        error={errors.password}
        onChange={(event) => {
          setPassword(event.target.value);
          if (errors.password) setErrors({ ...errors, password: undefined });
        }}
      />
      <p className="-mt-2 text-right text-sm">
        <Link href="/forgot-password" className={textLinkClassName}>
          Forgot password?
        </Link>
      </p>
      <Button type="submit" loading={pending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
