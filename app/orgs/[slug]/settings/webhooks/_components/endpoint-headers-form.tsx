"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { errorMessage } from "@/app/_components/api";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { useApiFetch } from "@/app/_components/organization-context";

export interface EndpointHeadersFormProps {
  endpointId: string;
  /** The saved headers' names; their values are never sent to the browser. */
  names: string[];
  /** What a saved value reads as. */
  mask: string;
  max: number;
}

/**
 * An endpoint's custom headers: the saved ones by name (values masked, removable one by one)
 * and a form that adds one or replaces a value by name. Each change is one PATCH of
 * `headerChanges`, so values the browser never saw are kept as they are.
 */
export function EndpointHeadersForm({ endpointId, names, mask, max }: EndpointHeadersFormProps) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [error, setError] = useState<{ name?: string; value?: string; form?: string }>({});
  const [pending, setPending] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function change(headerChanges: { set?: Record<string, string>; remove?: string[] }, done: string, key: string) {
    setPending(key);
    setError({});
    setMessage(null);
    try {
      await apiFetch(`/api/webhooks/endpoints/${endpointId}`, { method: "PATCH", body: { headerChanges } });
      setMessage(done);
      router.refresh();
      return true;
    } catch (caught) {
      setError({ form: errorMessage(caught) });
      return false;
    } finally {
      setPending(null);
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const trimmed = name.trim();
    if (trimmed === "") {
      setError({ name: "Enter a header name, such as Authorization." });
      nameRef.current?.focus();
      return;
    }
    if (value.trim() === "") {
      setError({ value: "Enter the value to send." });
      return;
    }
    const replacing = names.some((saved) => saved.toLowerCase() === trimmed.toLowerCase());
    if (await change({ set: { [trimmed]: value.trim() } }, replacing ? `${trimmed} replaced.` : `${trimmed} added.`, "save")) {
      setName("");
      setValue("");
    }
  }

  return (
    <div className="space-y-4">
      {names.length > 0 ? (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="Saved headers">
          {names.map((saved) => (
            <li key={saved} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
              <span className="min-w-0 break-all font-mono text-sm text-slate-900">
                {saved}: <span className="text-slate-500">{mask}</span>
              </span>
              <Button
                variant="ghost"
                size="sm"
                loading={pending === `remove:${saved}`}
                disabled={pending !== null}
                onClick={() => void change({ remove: [saved] }, `${saved} removed.`, `remove:${saved}`)}
                aria-label={`Remove ${saved}`}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-600">No custom headers: deliveries carry only the platform&apos;s own.</p>
      )}
      {error.form ? <Alert tone="error">{error.form}</Alert> : null}
      <form onSubmit={(event) => void submit(event)} noValidate className="space-y-3" aria-busy={pending === "save" || undefined}>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              ref={nameRef}
              label="Header name"
              name="headerName"
              autoComplete="off"
              spellCheck={false}
              placeholder="Authorization"
              value={name}
              error={error.name}
              onChange={(event) => {
                setName(event.target.value);
                setError({});
                setMessage(null);
              }}
            />
            <Field
              label="Value"
              name="headerValue"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="Bearer …"
              value={value}
              error={error.value}
              onChange={(event) => {
                setValue(event.target.value);
                setError({});
                setMessage(null);
              }}
            />
          </div>
          <p className="text-sm text-slate-600">
            Saving a name that exists replaces its value. Values are encrypted and never shown again. At most {max} headers and 4 KiB; Host, Content-Type,
            Content-Length, User-Agent, connection headers and webhook-… / x-webhook-… are set by the platform.
          </p>
          <Button type="submit" variant="secondary" loading={pending === "save"} disabled={pending !== null && pending !== "save"}>
            Save header
          </Button>
      </form>
      <p role="status" className="text-sm font-medium text-green-700">
        {message}
      </p>
    </div>
  );
}
