"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { errorMessage } from "@/app/_components/api";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { useApiFetch, useOrganization } from "@/app/_components/organization-context";

/**
 * The danger zone (owners only): deletes the organization once its slug is typed.
 * Members lose it at once; its data is erased after the grace period the API reports.
 */
export function DeleteOrganizationSection() {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const organization = useOrganization();
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const matches = confirm === organization.slug;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!matches || pending) return;
    setError(null);
    setPending(true);
    try {
      await apiFetch("/api/organization", { method: "DELETE", body: { confirm } });
      router.push("/");
      router.refresh();
    } catch (caught) {
      setError(errorMessage(caught, "Could not delete the organization. Please try again."));
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="danger-heading" className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h2 id="danger-heading" className="text-base font-semibold text-red-800">
        Danger zone: delete this organization
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Everyone loses access to <span className="font-medium text-slate-800">{organization.name}</span> at once, its API keys stop working and
        pending deliveries are cancelled. Its endpoints, events, delivery history, keys, members and audit log are erased after a grace period.
      </p>
      <form onSubmit={onSubmit} className="mt-4 space-y-3">
        {error ? <Alert tone="error">{error}</Alert> : null}
        <Field
          id="delete-organization-confirm"
          label={
            <>
              Type <span className="font-mono">{organization.slug}</span> to confirm
            </>
          }
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          inputClassName="font-mono"
        />
        <Button type="submit" variant="danger" disabled={!matches} loading={pending}>
          Delete organization
        </Button>
      </form>
    </section>
  );
}
