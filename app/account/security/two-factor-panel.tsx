"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { Badge } from "@/app/_components/badge";
import { QrCode } from "./qr-code";
import { Button } from "@/app/_components/button";
import { CopyButton } from "@/app/_components/copy-button";
import { Field } from "@/app/_components/field";
import { authClient } from "@/lib/auth/client";

type Step =
  | { kind: "idle" }
  | { kind: "password"; purpose: "enable" | "disable" | "regenerate" }
  | { kind: "setup"; totpURI: string; backupCodes: string[] }
  | { kind: "codes"; backupCodes: string[] };

const PASSWORD_STEPS = {
  enable: { title: "Turn on two-factor authentication", action: "Continue" },
  disable: { title: "Turn off two-factor authentication", action: "Turn off" },
  regenerate: { title: "New recovery codes", action: "Create new codes" },
} as const;

/** The base32 secret inside an otpauth:// URI, for typing into an app by hand. */
function secretOf(totpURI: string): string {
  try {
    return new URL(totpURI).searchParams.get("secret") ?? "";
  } catch {
    return "";
  }
}

/**
 * Two-factor authentication for the signed-in account (better-auth's twoFactor
 * plugin): turn on (password → the authenticator setup and recovery codes,
 * shown once → a first code, which is what turns it on), new recovery codes
 * (password; the old ones stop working) and turn off (password).
 */
export function TwoFactorPanel({ enabled }: { enabled: boolean }) {
  const router = useRouter();
  const [step, setStep] = useState<Step>({ kind: "idle" });

  return (
    <div className="space-y-4">
      <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        Status:{" "}
        {enabled ? (
          <Badge tone="green" dot>
            On
          </Badge>
        ) : (
          <Badge tone="gray" dot>
            Off
          </Badge>
        )}
        <span className="text-slate-600">
          {enabled
            ? "Signing in asks for a code from your authenticator app after your password."
            : "Add a code from an authenticator app (1Password, Google Authenticator, Authy…) to your password."}
        </span>
      </p>

      {step.kind === "idle" ? (
        <div className="flex flex-wrap gap-2">
          {enabled ? (
            <>
              <Button variant="secondary" onClick={() => setStep({ kind: "password", purpose: "regenerate" })}>
                New recovery codes
              </Button>
              <Button variant="danger" onClick={() => setStep({ kind: "password", purpose: "disable" })}>
                Turn off
              </Button>
            </>
          ) : (
            <Button onClick={() => setStep({ kind: "password", purpose: "enable" })}>Turn on two-factor</Button>
          )}
        </div>
      ) : null}

      {step.kind === "password" ? (
        <PasswordStep
          key={step.purpose}
          purpose={step.purpose}
          onCancel={() => setStep({ kind: "idle" })}
          onDone={(result) => {
            if (step.purpose === "disable") {
              setStep({ kind: "idle" });
              router.refresh();
            } else if (result && "totpURI" in result) setStep({ kind: "setup", totpURI: result.totpURI, backupCodes: result.backupCodes });
            else if (result) setStep({ kind: "codes", backupCodes: result.backupCodes });
          }}
        />
      ) : null}

      {step.kind === "setup" ? (
        <SetupStep
          totpURI={step.totpURI}
          backupCodes={step.backupCodes}
          onCancel={() => setStep({ kind: "idle" })}
          onVerified={() => {
            setStep({ kind: "idle" });
            router.refresh();
          }}
        />
      ) : null}

      {step.kind === "codes" ? (
        <div className="space-y-3">
          <Alert tone="success" title="New recovery codes">
            Your previous recovery codes no longer work. Save these now: they are shown only once.
          </Alert>
          <RecoveryCodes codes={step.backupCodes} />
          <Button variant="secondary" onClick={() => setStep({ kind: "idle" })}>
            I have saved them
          </Button>
        </div>
      ) : null}
    </div>
  );
}

type PasswordResult = { totpURI: string; backupCodes: string[] } | { backupCodes: string[] } | null;

function PasswordStep({ purpose, onCancel, onDone }: { purpose: "enable" | "disable" | "regenerate"; onCancel: () => void; onDone: (result: PasswordResult) => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  const text = PASSWORD_STEPS[purpose];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (password === "") {
      setError("Enter your password.");
      return ref.current?.focus();
    }
    setPending(true);
    setError(null);
    const outcome =
      purpose === "enable"
        ? await authClient.twoFactor.enable({ password })
        : purpose === "regenerate"
          ? await authClient.twoFactor.generateBackupCodes({ password })
          : await authClient.twoFactor.disable({ password });
    setPending(false);
    if (outcome.error) {
      setError(outcome.error.status === 400 || outcome.error.status === 401 ? "That password is not right." : outcome.error.message || "Something went wrong. Please try again.");
      return ref.current?.focus();
    }
    const data = outcome.data as Record<string, unknown> | null;
    if (data && typeof data.totpURI === "string" && Array.isArray(data.backupCodes)) onDone({ totpURI: data.totpURI, backupCodes: data.backupCodes as string[] });
    else if (data && Array.isArray(data.backupCodes)) onDone({ backupCodes: data.backupCodes as string[] });
    else onDone(null);
  }

  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} className="max-w-sm space-y-4" aria-label={text.title}>
      <p className="text-sm font-medium text-slate-900">{text.title}</p>
      <Field
        ref={ref}
        label="Confirm your password"
        name="password"
        type="password"
        autoComplete="current-password"
        autoFocus
        value={password}
        error={error ?? undefined}
        onChange={(event) => {
          setPassword(event.target.value);
          if (error) setError(null);
        }}
      />
      <div className="flex gap-2">
        <Button type="submit" variant={purpose === "disable" ? "danger" : "primary"} loading={pending}>
          {text.action}
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function SetupStep({ totpURI, backupCodes, onCancel, onVerified }: { totpURI: string; backupCodes: string[]; onCancel: () => void; onVerified: () => void }) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  const secret = secretOf(totpURI);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const value = code.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(value)) {
      setError("Enter the 6-digit code your app shows.");
      return ref.current?.focus();
    }
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.twoFactor.verifyTotp({ code: value });
    setPending(false);
    if (failure) {
      setError("That code is not valid. Check the time on your device and enter the current code.");
      return ref.current?.focus();
    }
    onVerified();
  }

  return (
    <div className="space-y-5">
      <ol className="list-decimal space-y-5 pl-5 text-sm text-slate-700">
        <li className="space-y-2">
          <p>
            Add Webhooks to your authenticator app: scan this code,{" "}
            <a href={totpURI} className="font-medium text-indigo-600 hover:text-indigo-500">
              open the setup link
            </a>{" "}
            on this device, or type this secret key into the app (time-based, 6 digits, 30 seconds).
          </p>
          <QrCode value={totpURI} label="QR code to add Webhooks to an authenticator app" />
          <div className="flex flex-wrap items-center gap-2">
            <code data-testid="totp-secret" className="break-all rounded bg-slate-100 px-2 py-1 font-mono text-slate-900">
              {secret}
            </code>
            <CopyButton value={secret} aria-label="Copy secret key" />
            <CopyButton value={totpURI} label="Copy setup link" aria-label="Copy setup link (otpauth URI)" />
          </div>
        </li>
        <li className="space-y-2">
          <p>Save these recovery codes somewhere safe. Each one signs you in once if you lose your device. They are shown only now.</p>
          <RecoveryCodes codes={backupCodes} />
        </li>
        <li>
          <form noValidate onSubmit={(event) => void onSubmit(event)} className="max-w-sm space-y-4" aria-label="Verify a code to turn on two-factor">
            <Field
              ref={ref}
              label="Code from your app"
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={6}
              value={code}
              error={error ?? undefined}
              hint="Two-factor turns on once this code is accepted."
              onChange={(event) => {
                setCode(event.target.value);
                if (error) setError(null);
              }}
            />
            <div className="flex gap-2">
              <Button type="submit" loading={pending}>
                Verify and turn on
              </Button>
              <Button variant="ghost" onClick={onCancel} disabled={pending}>
                Cancel
              </Button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-2">
      <ul data-testid="recovery-codes" className="grid max-w-md grid-cols-2 gap-x-6 gap-y-1 rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-sm text-slate-900">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <CopyButton value={codes.join("\n")} label="Copy codes" aria-label="Copy recovery codes" />
    </div>
  );
}
