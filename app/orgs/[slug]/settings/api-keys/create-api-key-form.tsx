"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { errorMessage, fieldErrors } from "@/app/_components/api";
import { Button } from "@/app/_components/button";
import { CopyButton } from "@/app/_components/copy-button";
import { Field } from "@/app/_components/field";
import { useApiFetch } from "@/app/_components/organization-context";
import { DEFAULT_API_KEY_SCOPES, type ApiKeyScope } from "@/lib/api-key-scopes";
import { ScopeCheckboxes } from "./scope-checkboxes";

/** Same limit as lib/api-keys.ts (API_KEY_NAME_MAX); that module is server-only. */
const NAME_MAX = 100;

interface CreatedKey {
  name: string;
  key: string;
  scopes: ApiKeyScope[];
}

/** The API's complaint about the scopes (the list, or one of its items), if any. */
const scopeIssue = (byField: Record<string, string>) => Object.entries(byField).find(([path]) => path === "scopes" || path.startsWith("scopes."))?.[1];

/**
 * Creates an organization API key with the scopes chosen (sending events by
 * default). The key comes back from the API exactly once (only its hash is
 * stored), so it is shown here until dismissed.
 */
export function CreateApiKeyForm() {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const [scopes, setScopes] = useState<ApiKeyScope[]>([...DEFAULT_API_KEY_SCOPES]);
  const [scopesError, setScopesError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const trimmed = name.trim();
    setFormError(null);
    if (trimmed === "" || trimmed.length > NAME_MAX) {
      setNameError(trimmed === "" ? "Enter a name, e.g. the service that will use the key." : `Use at most ${NAME_MAX} characters.`);
      nameRef.current?.focus();
      return;
    }
    setNameError(null);
    if (scopes.length === 0) {
      setScopesError("Choose at least one scope.");
      return;
    }
    setScopesError(null);
    setPending(true);
    try {
      const result = await apiFetch<{ apiKey: { id: string; name: string; scopes: ApiKeyScope[] }; key: string }>("/api/api-keys", {
        method: "POST",
        body: { name: trimmed, scopes },
      });
      setCreated({ name: result.apiKey.name, key: result.key, scopes: result.apiKey.scopes });
      setName("");
      setScopes([...DEFAULT_API_KEY_SCOPES]);
      router.refresh();
    } catch (error) {
      const byField = fieldErrors(error);
      if (byField.name) {
        setNameError(byField.name);
        nameRef.current?.focus();
      } else if (scopeIssue(byField)) {
        setScopesError(scopeIssue(byField)!);
      } else {
        setFormError(errorMessage(error, "Could not create the key. Please try again."));
      }
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-4">
      {created ? (
        <div className="rounded-lg border-2 border-amber-300 bg-amber-50 p-4" role="status">
          <h3 className="text-sm font-semibold text-amber-900">New key “{created.name}”</h3>
          <p className="mt-1 text-sm text-amber-900">
            <strong>Copy it now and store it in your secret manager.</strong> This is the only time it is shown; we keep only a hash. If you lose it,
            revoke it and create another.
          </p>
          <p className="mt-1 text-sm text-amber-900">
            It may: <span className="font-mono">{created.scopes.join(", ")}</span>.
          </p>
          <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
            <code data-testid="new-api-key" className="block min-w-0 flex-1 select-all break-all rounded border border-amber-200 bg-white px-3 py-2 font-mono text-sm text-slate-900">
              {created.key}
            </code>
            <div className="flex gap-2">
              <CopyButton value={created.key} label="Copy key" aria-label="Copy API key" />
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setCreated(null);
                  nameRef.current?.focus();
                }}
              >
                Done
              </Button>
            </div>
          </div>
        </div>
      ) : null}
      <form noValidate onSubmit={(event) => void onSubmit(event)} className="space-y-4">
        <Field
          ref={nameRef}
          label="Key name"
          name="name"
          autoComplete="off"
          required
          maxLength={NAME_MAX}
          placeholder="billing-service (production)"
          hint="Describes where the key is used, so you know what breaks if you revoke it."
          value={name}
          error={nameError}
          onChange={(event) => {
            setName(event.target.value);
            if (nameError) setNameError(null);
          }}
        />
        <ScopeCheckboxes
          value={scopes}
          legend="This key may"
          error={scopesError}
          onChange={(next) => {
            setScopes(next);
            if (scopesError) setScopesError(null);
          }}
        />
        <Button type="submit" loading={pending}>
          Create key
        </Button>
      </form>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
    </div>
  );
}
