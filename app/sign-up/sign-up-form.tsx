"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { textLinkClassName } from "@/app/_components/auth-card";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { withNext } from "@/app/_components/safe-next";
import { authClient } from "@/lib/auth/client";
import { isEmail, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from "@/app/_components/validation";

interface Values {
  name: string;
  email: string;
  password: string;
}
type Errors = Partial<Record<keyof Values, string>>;

function validate(values: Values): Errors {
  const errors: Errors = {};
  const name = values.name.trim();
  if (name === "") errors.name = "Enter your name.";
  else if (name.length > NAME_MAX) errors.name = `Use at most ${NAME_MAX} characters.`;
  if (values.email.trim() === "") errors.email = "Enter your email address.";
  else if (!isEmail(values.email)) errors.email = "Enter an email address like name@company.com.";
  if (values.password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters.`;
  else if (values.password.length > PASSWORD_MAX) errors.password = `Use at most ${PASSWORD_MAX} characters.`;
  return errors;
}

/**
 * Creates an account and goes to `next` or onboarding. better-auth mails a
 * verification link that comes back to the same place; with
 * EMAIL_VERIFICATION=required there is no session until it is opened.
 */
export function SignUpForm({ next }: { next: string | null }) {
  const router = useRouter();
  const [values, setValues] = useState<Values>({ name: "", email: "", password: "" });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<{ message: string; exists: boolean } | null>(null);
  const [pending, setPending] = useState(false);
  const [checkMail, setCheckMail] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  function update(key: keyof Values, value: string) {
    setValues((current) => ({ ...current, [key]: value }));
    if (errors[key]) setErrors((current) => ({ ...current, [key]: undefined }));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const found = validate(values);
    setErrors(found);
    setFormError(null);
    if (found.name) return nameRef.current?.focus();
    if (found.email) return emailRef.current?.focus();
    if (found.password) return passwordRef.current?.focus();

    setPending(true);
    const { data, error } = await authClient.signUp.email({
      name: values.name.trim(),
      email: values.email.trim(),
      password: values.password,
      callbackURL: next ?? "/onboarding",
    });
    if (error) {
      setPending(false);
      const exists = error.code === "USER_ALREADY_EXISTS" || error.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL";
      if (error.code === "PASSWORD_TOO_SHORT" || error.code === "PASSWORD_TOO_LONG") {
        setErrors({ password: error.message || "Choose a different password." });
        passwordRef.current?.focus();
        return;
      }
      setFormError({
        message: exists
          ? "An account with this email already exists."
          : error.status === 429
            ? "Too many attempts. Wait a minute and try again."
            : error.message || "Could not create your account. Please try again.",
        exists,
      });
      return;
    }
    if (!data?.token) {
      // Verification required before the first sign-in: nothing to open yet.
      setPending(false);
      setCheckMail(values.email.trim());
      return;
    }
    router.push(next ?? "/onboarding");
    router.refresh();
  }

  if (checkMail) {
    return (
      <Alert tone="success" title="Check your email">
        We sent a link to <span className="font-medium">{checkMail}</span>. Open it to verify your address and sign in.
      </Alert>
    );
  }

  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} className="space-y-5">
      {formError ? (
        <Alert tone="error">
          {formError.message}
          {formError.exists ? (
            <>
              {" "}
              <Link href={withNext("/sign-in", next)} className={textLinkClassName}>
                Sign in instead
              </Link>
            </>
          ) : null}
        </Alert>
      ) : null}
      <Field
        ref={nameRef}
        label="Name"
        name="name"
        autoComplete="name"
        required
        maxLength={NAME_MAX + 20}
        value={values.name}
        error={errors.name}
        onChange={(event) => update("name", event.target.value)}
      />
      <Field
        ref={emailRef}
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        value={values.email}
        error={errors.email}
        onChange={(event) => update("email", event.target.value)}
      />
      <Field
        ref={passwordRef}
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN}
        hint={`At least ${PASSWORD_MIN} characters.`}
        value={values.password}
        error={errors.password}
        onChange={(event) => update("password", event.target.value)}
      />
      <Button type="submit" loading={pending} className="w-full">
        Create account
      </Button>
    </form>
  );
}
