"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { plural, toDateTimeLocalValue } from "@/app/_components/format";
import { useApiPost } from "@/app/_components/use-api-post";

const DAY_MS = 24 * 60 * 60 * 1000;

/** "Recover failed deliveries since …": re-queues this endpoint's failed and cancelled deliveries. */
export function RecoverForm({ endpointId, disabled }: { endpointId: string; disabled: boolean }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const { pending, error, setError, post } = useApiPost();
  const [message, setMessage] = useState<string | null>(null);

  // The default (24 h ago) is in the viewer's time zone, which only the browser knows.
  useEffect(() => {
    const input = inputRef.current;
    if (input && input.value === "") input.value = toDateTimeLocalValue(new Date(Date.now() - DAY_MS));
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setMessage(null);
    const value = inputRef.current?.value ?? "";
    // A datetime-local value has no zone: `new Date` reads it as local time, as the user meant it.
    const since = value === "" ? null : new Date(value);
    if (!since || Number.isNaN(since.getTime())) {
      setError("Enter a date and time.");
      inputRef.current?.focus();
      return;
    }
    if (since.getTime() > Date.now()) {
      setError("Choose a time in the past.");
      inputRef.current?.focus();
      return;
    }
    const response = await post<{ requeued: number }>(`/api/webhooks/endpoints/${endpointId}/recover`, { since: since.toISOString() });
    if (response) setMessage(`${plural(response.requeued, "delivery", "deliveries")} re-queued`);
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <Field
          ref={inputRef}
          label="Recover failed deliveries since"
          name="since"
          type="datetime-local"
          hint="Failed and cancelled deliveries created since then are sent again with a fresh retry schedule and the same ids."
          error={error}
          disabled={disabled}
          onChange={() => setError(null)}
          className="min-w-64 flex-1"
        />
        <Button type="submit" variant="secondary" loading={pending} disabled={disabled}>
          Recover deliveries
        </Button>
      </div>
      {disabled ? <p className="text-sm text-slate-600">Enable the endpoint before recovering deliveries.</p> : null}
      <p role="status" className="text-sm font-medium text-green-700">
        {message}
      </p>
    </form>
  );
}
