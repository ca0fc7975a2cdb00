"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { ApiError, errorMessage, fieldErrors } from "@/app/_components/api";
import { Button } from "@/app/_components/button";
import { Field } from "@/app/_components/field";
import { RadioCards } from "@/app/_components/radio-cards";
import { useApiFetch } from "@/app/_components/organization-context";

export type OrderingMode = "none" | "ordered";
export type RetryPresetName = "standard" | "short" | "none";

export interface DeliveryControls {
  ordering: OrderingMode;
  rateLimitPerSecond: number | null;
  retryPreset: RetryPresetName;
  sendTraceparent: boolean;
}

export interface DeliveryControlsFormProps {
  endpointId: string;
  controls: DeliveryControls;
  /** Each preset's schedule in words, from the server (the standard one is the installation's). */
  presets: { name: RetryPresetName; label: string; schedule: string }[];
  rateLimit: { min: number; max: number };
}

interface FormErrors {
  ordering?: string;
  rateLimitPerSecond?: string;
  retryPreset?: string;
  sendTraceparent?: string;
  form?: string;
}

const ORDERING_OPTIONS: { value: OrderingMode; label: string; description: string }[] = [
  { value: "none", label: "In parallel", description: "Deliveries go as they come due, several at once. Fastest; receivers must cope with any order." },
  {
    value: "ordered",
    label: "In order by ordering key",
    description:
      "Deliveries with the same orderingKey go one at a time, in the order they were sent; a failing one holds back only its own key. Events without a key form one queue of their own.",
  },
];


/**
 * An endpoint's delivery controls — ordering, rate limit, retry schedule, trace context header — with their
 * own Save. Sends only what changed (PATCH); the server's answer to a field goes under it.
 */
export function DeliveryControlsForm({ endpointId, controls, presets, rateLimit }: DeliveryControlsFormProps) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [ordering, setOrdering] = useState<OrderingMode>(controls.ordering);
  const [limited, setLimited] = useState(controls.rateLimitPerSecond !== null);
  const [rate, setRate] = useState(controls.rateLimitPerSecond === null ? "" : String(controls.rateLimitPerSecond));
  const [retryPreset, setRetryPreset] = useState<RetryPresetName>(controls.retryPreset);
  const [sendTraceparent, setSendTraceparent] = useState(controls.sendTraceparent);
  const [errors, setErrors] = useState<FormErrors>({});
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const rateRef = useRef<HTMLInputElement>(null);

  const touched = () => {
    setSaved(null);
    setErrors({});
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    let rateLimitPerSecond: number | null = null;
    if (limited) {
      const value = Number(rate.trim());
      if (rate.trim() === "" || !Number.isInteger(value) || value < rateLimit.min || value > rateLimit.max) {
        setErrors({ rateLimitPerSecond: `Enter a whole number from ${rateLimit.min} to ${rateLimit.max}, or turn the limit off.` });
        rateRef.current?.focus();
        return;
      }
      rateLimitPerSecond = value;
    }
    const body: Partial<DeliveryControls> = {};
    if (ordering !== controls.ordering) body.ordering = ordering;
    if (rateLimitPerSecond !== controls.rateLimitPerSecond) body.rateLimitPerSecond = rateLimitPerSecond;
    if (retryPreset !== controls.retryPreset) body.retryPreset = retryPreset;
    if (sendTraceparent !== controls.sendTraceparent) body.sendTraceparent = sendTraceparent;
    if (Object.keys(body).length === 0) {
      setSaved("Nothing to save: these are the current settings.");
      return;
    }
    setPending(true);
    setErrors({});
    setSaved(null);
    try {
      await apiFetch(`/api/webhooks/endpoints/${endpointId}`, { method: "PATCH", body });
      setSaved("Delivery settings saved.");
      router.refresh();
    } catch (error) {
      const next = serverErrors(error);
      setErrors(next);
      if (next.rateLimitPerSecond) rateRef.current?.focus();
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="space-y-6" aria-busy={pending || undefined}>
      {errors.form ? <Alert tone="error">{errors.form}</Alert> : null}
      <RadioCards
        legend="Order"
        name="ordering"
        options={ORDERING_OPTIONS}
        value={ordering}
        error={errors.ordering}
        onChange={(value) => {
          setOrdering(value);
          touched();
        }}
      />

      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Rate limit</legend>
        <label className="mt-2 flex items-start gap-3">
          <input
            type="checkbox"
            name="limited"
            className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-600"
            checked={limited}
            onChange={(event) => {
              setLimited(event.target.checked);
              touched();
            }}
          />
          <span className="text-sm text-slate-700">Limit how many attempts start each second (retries, redeliveries and test sends included)</span>
        </label>
        {limited ? (
          <Field
            ref={rateRef}
            className="mt-3 max-w-xs"
            label="Attempts per second"
            name="rateLimitPerSecond"
            type="number"
            inputMode="numeric"
            min={rateLimit.min}
            max={rateLimit.max}
            step={1}
            hint={`${rateLimit.min}–${rateLimit.max}. Starts are spaced 1.05 s ÷ this number apart; waiting uses up no attempt.`}
            value={rate}
            error={errors.rateLimitPerSecond}
            onChange={(event) => {
              setRate(event.target.value);
              touched();
            }}
          />
        ) : errors.rateLimitPerSecond ? (
          <p className="mt-2 text-sm text-red-700">{errors.rateLimitPerSecond}</p>
        ) : null}
      </fieldset>

      <RadioCards
        legend="Retries"
        name="retryPreset"
        options={presets.map((preset) => ({ value: preset.name, label: preset.label, description: preset.schedule }))}
        value={retryPreset}
        error={errors.retryPreset}
        onChange={(value) => {
          setRetryPreset(value);
          touched();
        }}
      />

      <fieldset aria-describedby={errors.sendTraceparent ? "send-traceparent-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">Trace context</legend>
        <label className="mt-2 flex items-start gap-3">
          <input
            type="checkbox"
            name="sendTraceparent"
            className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-600"
            checked={sendTraceparent}
            aria-describedby="send-traceparent-hint"
            onChange={(event) => {
              setSendTraceparent(event.target.checked);
              touched();
            }}
          />
          <span className="text-sm text-slate-700">Send traceparent header</span>
        </label>
        <p id="send-traceparent-hint" className="ml-7 mt-1 text-sm text-slate-600">
          Each attempt carries a W3C traceparent header, so a receiver with OpenTelemetry continues the delivery&apos;s trace. It is not signed.
        </p>
        {errors.sendTraceparent ? (
          <p id="send-traceparent-error" className="mt-2 text-sm text-red-700">
            {errors.sendTraceparent}
          </p>
        ) : null}
      </fieldset>

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" loading={pending}>
          Save delivery settings
        </Button>
        {saved ? (
          <span role="status" className="text-sm text-green-700">
            {saved}
          </span>
        ) : null}
      </div>
    </form>
  );
}

/** Puts the API's answer under the field it concerns; anything else goes in the banner. */
function serverErrors(error: unknown): FormErrors {
  if (!(error instanceof ApiError)) return { form: errorMessage(error) };
  const byField = fieldErrors(error);
  const result: FormErrors = {};
  for (const field of ["ordering", "rateLimitPerSecond", "retryPreset", "sendTraceparent"] as const) if (byField[field]) result[field] = byField[field];
  if (Object.keys(result).length === 0) result.form = error.message;
  return result;
}
