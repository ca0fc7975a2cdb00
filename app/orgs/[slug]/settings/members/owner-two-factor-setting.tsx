"use client";

import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "@/app/_components/api";
import { Alert } from "@/app/_components/alert";
import { Button } from "@/app/_components/button";
import { useApiFetch } from "@/app/_components/organization-context";

export interface OwnerTwoFactorSettingProps {
  /** The organization's setting when the page was rendered. */
  required: boolean;
  /** Whether the viewing owner has two-factor on (needed to turn the setting on). */
  viewerHasTwoFactor: boolean;
}

/**
 * "Require two-factor authentication for owners", for owners
 * (PATCH /api/organization/security). Turning it on needs the owner's own
 * two-factor; the page links to where they turn it on.
 */
export function OwnerTwoFactorSetting({ required, viewerHasTwoFactor }: OwnerTwoFactorSettingProps) {
  const apiFetch = useApiFetch();
  // What the server holds; nothing else on the page depends on it, so no refresh is needed.
  const [current, setCurrent] = useState(required);
  const [checked, setChecked] = useState(required);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const blocked = checked && !current && !viewerHasTwoFactor;

  async function save() {
    setPending(true);
    setError(null);
    setSaved(false);
    try {
      const result = await apiFetch<{ requireOwnerTwoFactor: boolean }>("/api/organization/security", { method: "PATCH", body: { requireOwnerTwoFactor: checked } });
      setCurrent(result.requireOwnerTwoFactor);
      setSaved(true);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-3">
      <label className="flex items-start gap-3 text-sm text-slate-700">
        <input
          type="checkbox"
          name="requireOwnerTwoFactor"
          className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-600"
          checked={checked}
          onChange={(event) => {
            setChecked(event.target.checked);
            setSaved(false);
          }}
        />
        <span>
          <span className="font-medium text-slate-900">Require two-factor authentication for owners</span>
          <span className="block text-slate-600">
            Owners without it are sent to set it up before they can open this organization&apos;s pages or manage it. Admins and members are not affected.
          </span>
        </span>
      </label>
      {blocked ? (
        <Alert tone="warning">
          Turn on two-factor authentication for your own account first, on{" "}
          <Link href="/account/security" className="font-medium underline">
            your account&apos;s security page
          </Link>
          .
        </Alert>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      {saved && !error ? <Alert tone="success">Saved.</Alert> : null}
      <Button size="sm" onClick={() => void save()} loading={pending} disabled={checked === current || blocked}>
        Save
      </Button>
    </div>
  );
}
