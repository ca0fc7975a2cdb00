"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@/app/_components/alert";
import { ApiError, errorMessage, fieldErrors } from "@/app/_components/api";
import { Button, buttonClassName } from "@/app/_components/button";
import { CopyButton } from "@/app/_components/copy-button";
import { Field } from "@/app/_components/field";
import { RadioCards, type RadioCardOption } from "@/app/_components/radio-cards";
import { OrgLink, useApiFetch } from "@/app/_components/organization-context";
import { cardClassName } from "@/app/_components/card";
import { validateWebhookUrl } from "@/lib/webhooks/url-guard";

/** One checkbox of the event list; `sample` (the envelope) and `schema` (its data's JSON Schema) are pretty-printed JSON, prepared on the server. */
export interface EventOption {
  name: string;
  description: string;
  sample: string | null;
  schema: string | null;
}

export interface EndpointFormProps {
  mode: "create" | "edit";
  /** The endpoint being edited (edit mode). */
  endpoint?: { id: string; url: string; description: string; eventTypes: string[] };
  events: EventOption[];
  /**
   * Whether the server accepts localhost and private addresses (an app started
   * in development mode); the browser cannot read that setting.
   */
  allowPrivateNetwork: boolean;
  descriptionMaxLength: number;
}

interface FormErrors {
  url?: string;
  description?: string;
  eventTypes?: string;
  form?: string;
}

/** What the create answer gives to show once: an HMAC endpoint's secret, or an Ed25519 endpoint's public key. */
type CreatedEndpoint = { id: string; url: string } & ({ secret: string; publicKey?: undefined } | { secret?: undefined; publicKey: string });

type Scheme = "hmac" | "ed25519";

/**
 * The browser-side URL check, as a hint only: it never blocks saving, because
 * the server repeats it with its own settings and its 422 message is what
 * counts. On servers that allow private networks (local development,
 * self-hosting) the environment-dependent refusals (localhost, private
 * addresses, plain http) are left to the server, so the hint never contradicts it.
 */
function urlHint(url: string, allowPrivateNetwork: boolean): string | undefined {
  if (url === "") return undefined;
  const result = validateWebhookUrl(url);
  if (result.valid) return undefined;
  const error = result.error ?? "URL is not valid";
  if (allowPrivateNetwork && /localhost|private IP|HTTPS in production/i.test(error)) return undefined;
  return error;
}

/** Create and edit form for an endpoint: URL, description and event subscriptions. */
export function EndpointForm({ mode, endpoint, events, allowPrivateNetwork, descriptionMaxLength }: EndpointFormProps) {
  const router = useRouter();
  const apiFetch = useApiFetch();
  const [url, setUrl] = useState(endpoint?.url ?? "");
  const [description, setDescription] = useState(endpoint?.description ?? "");
  const [allEvents, setAllEvents] = useState((endpoint?.eventTypes.length ?? 0) === 0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(endpoint?.eventTypes ?? []));
  const [errors, setErrors] = useState<FormErrors>({});
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);
  const [created, setCreated] = useState<CreatedEndpoint | null>(null);
  const [scheme, setScheme] = useState<Scheme>("hmac");
  const urlRef = useRef<HTMLInputElement>(null);
  const descriptionRef = useRef<HTMLInputElement>(null);
  const allEventsRef = useRef<HTMLInputElement>(null);
  const createdHeadingRef = useRef<HTMLHeadingElement>(null);

  // Subscriptions that are not in the catalogue (backend code may send other names) stay visible and selectable.
  const options: EventOption[] = [
    ...events,
    ...(endpoint?.eventTypes ?? [])
      .filter((name) => !events.some((event) => event.name === name))
      .map((name) => ({ name, description: "Not in the event catalogue.", sample: null, schema: null })),
  ];

  function toggle(name: string, checked: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      if (checked) next.add(name);
      else next.delete(name);
      return next;
    });
    setErrors(({ eventTypes: _dropped, ...rest }) => rest);
    setSaved(false);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const trimmedUrl = url.trim();
    const eventTypes = allEvents ? [] : options.map((option) => option.name).filter((name) => selected.has(name));
    const local: FormErrors = {};
    if (trimmedUrl === "") local.url = "Enter the URL that should receive events.";
    if (description.trim().length > descriptionMaxLength) local.description = `Use at most ${descriptionMaxLength} characters.`;
    if (!allEvents && eventTypes.length === 0) local.eventTypes = "Choose at least one event, or select All events.";
    if (Object.keys(local).length > 0) {
      setErrors(local);
      (local.url ? urlRef.current : local.description ? descriptionRef.current : allEventsRef.current)?.focus();
      return;
    }

    setPending(true);
    setErrors({});
    setSaved(false);
    const body = { url: trimmedUrl, description: description.trim(), eventTypes };
    try {
      if (mode === "create") {
        const response = await apiFetch<{ endpoint: { id: string; url: string; publicKey: string | null }; secret?: string }>("/api/webhooks/endpoints", {
          method: "POST",
          body: scheme === "hmac" ? body : { ...body, signatureScheme: scheme },
        });
        const { id, url: createdUrl, publicKey } = response.endpoint;
        setCreated(response.secret !== undefined ? { id, url: createdUrl, secret: response.secret } : { id, url: createdUrl, publicKey: publicKey ?? "" });
        // Let the panel render, then move focus to its heading so screen readers read it.
        requestAnimationFrame(() => createdHeadingRef.current?.focus());
      } else if (endpoint) {
        await apiFetch(`/api/webhooks/endpoints/${endpoint.id}`, { method: "PATCH", body });
        setSaved(true);
      }
      router.refresh();
    } catch (error) {
      const next = serverErrors(error);
      setErrors(next);
      (next.url ? urlRef.current : next.description ? descriptionRef.current : next.eventTypes ? allEventsRef.current : null)?.focus();
    } finally {
      setPending(false);
    }
  }

  if (created) {
    return (
      <section aria-labelledby="endpoint-created-heading" className={cardClassName()}>
        <h2 id="endpoint-created-heading" ref={createdHeadingRef} tabIndex={-1} className="text-lg font-semibold focus:outline-none">
          Endpoint created
        </h2>
        <p className="mt-1 break-all text-sm text-slate-600">{created.url}</p>
        {created.secret !== undefined ? (
          <>
            <Alert tone="warning" className="mt-4" title="Copy the signing secret now">
              This is the only time it is shown on its own. Store it with your receiver: it verifies that requests come from us.
              Owners and admins can reveal or rotate it later on the endpoint page.
            </Alert>
            <div className="mt-4 rounded-md border-2 border-amber-300 bg-amber-50 p-4">
              <p className="text-xs font-semibold uppercase tracking-wide text-amber-900">Signing secret</p>
              <div className="mt-2 flex flex-wrap items-center gap-3">
                <code data-testid="endpoint-secret" className="break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-amber-200">
                  {created.secret}
                </code>
                <CopyButton value={created.secret} aria-label="Copy signing secret" />
              </div>
            </div>
          </>
        ) : (
          <>
            <Alert tone="info" className="mt-4" title="Give your receiver the public key">
              Requests are signed with an Ed25519 key that never leaves this platform; your receiver verifies them with this public key.
              It is not secret, and it is on the endpoint&apos;s Signing key page at any time, also as a PEM file.
            </Alert>
            <div className="mt-4 rounded-md border border-slate-200 bg-slate-50 p-4">
              <p className="text-xs font-semibold uppercase tracking-wide text-slate-700">Public key</p>
              <div className="mt-2 flex flex-wrap items-center gap-3">
                <code data-testid="endpoint-public-key" className="break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-slate-200">
                  {created.publicKey}
                </code>
                <CopyButton value={created.publicKey} aria-label="Copy public key" />
              </div>
            </div>
          </>
        )}
        <div className="mt-6 flex flex-wrap gap-3">
          <OrgLink path={`/settings/webhooks/${created.id}`} className={buttonClassName()}>
            Open endpoint
          </OrgLink>
          <OrgLink path="/settings/webhooks" className={buttonClassName({ variant: "secondary" })}>
            Back to endpoints
          </OrgLink>
        </div>
      </section>
    );
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="space-y-6" aria-busy={pending || undefined}>
      {errors.form ? <Alert tone="error">{errors.form}</Alert> : null}
      <Field
        ref={urlRef}
        label="Endpoint URL"
        name="url"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        required
        placeholder="https://example.com/webhooks"
        hint={
          allowPrivateNetwork
            ? "We POST signed JSON to this address. Development mode: http:// and local addresses (localhost, 10.x, 192.168.x) are allowed here, not in production."
            : "We POST signed JSON to this address. Use HTTPS; it must be reachable from the internet."
        }
        value={url}
        error={errors.url}
        onChange={(event) => {
          setUrl(event.target.value);
          setSaved(false);
          if (errors.url) setErrors(({ url: _dropped, ...rest }) => rest);
        }}
        onBlur={() => {
          const hint = urlHint(url.trim(), allowPrivateNetwork);
          setErrors(({ url: _dropped, ...rest }) => (hint ? { ...rest, url: hint } : rest));
        }}
        inputClassName="font-mono"
      />
      <Field
        ref={descriptionRef}
        label="Description"
        name="description"
        autoComplete="off"
        maxLength={descriptionMaxLength}
        placeholder="Production billing service"
        hint="Optional. Helps your team tell endpoints apart."
        value={description}
        error={errors.description}
        onChange={(event) => {
          setDescription(event.target.value);
          setSaved(false);
          if (errors.description) setErrors(({ description: _dropped, ...rest }) => rest);
        }}
      />
      <fieldset aria-describedby={errors.eventTypes ? "event-types-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">Events to send</legend>
        <label className="mt-3 flex items-start gap-3 rounded-md border border-slate-200 bg-white p-3">
          <input
            ref={allEventsRef}
            type="checkbox"
            name="allEvents"
            className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-600"
            checked={allEvents}
            onChange={(event) => {
              setAllEvents(event.target.checked);
              setSaved(false);
              setErrors(({ eventTypes: _dropped, ...rest }) => rest);
            }}
          />
          <span>
            <span className="block text-sm font-medium text-slate-900">All events</span>
            <span className="block text-sm text-slate-600">Every event, including types we add later.</span>
          </span>
        </label>
        {errors.eventTypes ? (
          <p id="event-types-error" className="mt-2 text-sm text-red-700">
            {errors.eventTypes}
          </p>
        ) : null}
        <fieldset disabled={allEvents} className="mt-3 disabled:opacity-60">
          <legend className="sr-only">Only these events</legend>
          <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
            {options.map((option) => {
              const inputId = `event-${option.name}`;
              return (
                <li key={option.name} className="p-3">
                  <div className="flex items-start gap-3">
                    <input
                      id={inputId}
                      type="checkbox"
                      name="eventTypes"
                      value={option.name}
                      aria-describedby={`${inputId}-description`}
                      className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-600"
                      checked={allEvents || selected.has(option.name)}
                      onChange={(event) => toggle(option.name, event.target.checked)}
                    />
                    <div className="min-w-0 flex-1">
                      <label htmlFor={inputId} className="font-mono text-sm font-medium text-slate-900">
                        {option.name}
                      </label>
                      <p id={`${inputId}-description`} className="text-sm text-slate-600">
                        {option.description}
                      </p>
                      {option.sample ? <JsonDetails summary="Example payload" json={option.sample} /> : null}
                      {option.schema ? <JsonDetails summary="Schema of data" json={option.schema} /> : null}
                    </div>
                  </div>
                </li>
              );
            })}
          </ul>
        </fieldset>
      </fieldset>
      {mode === "create" ? (
        // Create only: the endpoint's Signing page switches it later, with a grace period.
        <RadioCards legend="Signatures" name="signatureScheme" options={SCHEME_OPTIONS} value={scheme} onChange={setScheme} />
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" loading={pending}>
          {mode === "create" ? "Create endpoint" : "Save changes"}
        </Button>
        {mode === "create" ? (
          <OrgLink path="/settings/webhooks" className={buttonClassName({ variant: "ghost" })}>
            Cancel
          </OrgLink>
        ) : null}
        {saved ? (
          <span role="status" className="text-sm text-green-700">
            Changes saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}

/** Puts the API's answer next to the field it concerns; anything else goes in the banner. */
function serverErrors(error: unknown): FormErrors {
  if (!(error instanceof ApiError)) return { form: errorMessage(error) };
  const byField = fieldErrors(error);
  const result: FormErrors = {};
  if (byField.url) result.url = byField.url;
  if (byField.description) result.description = byField.description;
  const eventIssue = Object.entries(byField).find(([key]) => key === "eventTypes" || key.startsWith("eventTypes."));
  if (eventIssue) result.eventTypes = eventIssue[1];
  if (error.code === "invalid_url") result.url = error.message;
  else if (error.code === "invalid_event_type") result.eventTypes = error.message;
  else if (error.code === "invalid_input" && /description/i.test(error.message)) result.description = error.message;
  else if (Object.keys(result).length === 0) result.form = error.message;
  return result;
}

const SCHEME_OPTIONS: RadioCardOption<Scheme>[] = [
  { value: "hmac", label: "HMAC-SHA256 (shared secret)", description: "The common choice: you get a whsec_ secret that both we and your receiver hold." },
  {
    value: "ed25519",
    label: "Ed25519 (public key)",
    description: "We keep the private key; your receiver holds only a whpk_ public key, so a leak on its side lets nobody forge a webhook.",
  },
];

/** Pretty-printed JSON behind a summary line, scrolling inside its box (never the page). */
function JsonDetails({ summary, json }: { summary: string; json: string }) {
  return (
    <details className="mt-1 text-sm">
      <summary className="cursor-pointer text-indigo-700 hover:text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">{summary}</summary>
      <pre
        tabIndex={0}
        className="mt-2 max-h-80 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
      >
        {json}
      </pre>
    </details>
  );
}
