"use client";

import { useId, useState } from "react";
import { Alert } from "@/app/_components/alert";
import { Badge, type BadgeTone } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { OrgLink } from "@/app/_components/organization-context";
import { useApiPost } from "@/app/_components/use-api-post";
import type { Diagnosis, DiagnosisStep, DiagnosisStepStatus } from "@/lib/webhooks/diagnose";

/** A diagnosis as JSON: its dates arrive as strings. */
type Jsonified<T> = T extends Date ? string : T extends (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;
export type DiagnosisJson = Jsonified<Diagnosis>;
type StepJson = Jsonified<DiagnosisStep>;

const STATUS: Record<DiagnosisStepStatus, { label: string; tone: BadgeTone }> = {
  passed: { label: "Passed", tone: "green" },
  warning: { label: "Warning", tone: "amber" },
  failed: { label: "Failed", tone: "red" },
  skipped: { label: "Skipped", tone: "gray" },
};

/**
 * "Diagnose": runs the troubleshooting chapter against this endpoint now — DNS, TCP, TLS, a
 * signed test request and whether the signature was accepted — and shows each step with its
 * timing, what was found and what to do, linked to the matching section of the guide.
 */
export function DiagnosePanel({ endpointId }: { endpointId: string }) {
  const { pending, error, post } = useApiPost();
  const [open, setOpen] = useState(false);
  const [diagnosis, setDiagnosis] = useState<DiagnosisJson | null>(null);
  const panelId = useId();
  const headingId = `${panelId}-heading`;

  async function run() {
    setDiagnosis(null);
    // The signed request is a test delivery: the refresh after it updates history and figures.
    const response = await post<{ diagnosis: DiagnosisJson }>(`/api/webhooks/endpoints/${endpointId}/diagnose`);
    if (response) setDiagnosis(response.diagnosis);
  }

  return (
    <>
      <Button variant="secondary" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((value) => !value)}>
        Diagnose
      </Button>
      <section id={panelId} hidden={!open} aria-labelledby={headingId} className="w-full basis-full rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id={headingId} className="text-base font-semibold text-slate-900">
          Diagnose this endpoint
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Checks, one step at a time, what a delivery needs: the name resolves to an address we may reach, the port accepts
          a connection, the TLS certificate is valid for this host, and your server accepts a signed test request (sent like
          &ldquo;Send test event&rdquo;, and kept in the history). See the{" "}
          <a href="/docs/webhooks#troubleshooting" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            troubleshooting guide
          </a>
          .
        </p>
        <Button className="mt-4" loading={pending} onClick={() => void run()}>
          {diagnosis ? "Run again" : "Run diagnosis"}
        </Button>
        <div aria-live="polite" className="mt-4">
          {error ? (
            <Alert tone="error" title="The diagnosis could not run">
              {error}
            </Alert>
          ) : null}
          {diagnosis ? <DiagnosisView diagnosis={diagnosis} /> : null}
        </div>
      </section>
    </>
  );
}

/** The steps of one diagnosis, in order, with the verdict first. */
export function DiagnosisView({ diagnosis }: { diagnosis: DiagnosisJson }) {
  const failed = diagnosis.steps.find((entry) => entry.status === "failed");
  const warned = diagnosis.steps.some((entry) => entry.status === "warning");
  return (
    <div data-testid="diagnosis" className="space-y-3">
      <p className="text-sm font-medium text-slate-900">
        {failed
          ? `${failed.title} failed: deliveries to ${diagnosis.host} cannot succeed until it is fixed.`
          : warned
            ? `Deliveries to ${diagnosis.host} work, with a warning to act on.`
            : `Every step passed: deliveries to ${diagnosis.host} should succeed.`}
      </p>
      <ol className="space-y-3">
        {diagnosis.steps.map((entry, index) => (
          <StepItem key={entry.name} step={entry} index={index} />
        ))}
      </ol>
    </div>
  );
}

function StepItem({ step, index }: { step: StepJson; index: number }) {
  const status = STATUS[step.status];
  return (
    <li data-testid={`diagnosis-step-${step.name}`} className="rounded-md border border-slate-200 p-3 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <span className="font-semibold text-slate-900">
          {index + 1}. {step.title}
        </span>
        <Badge tone={status.tone} dot>
          {status.label}
        </Badge>
        {step.durationMs !== null ? <span className="font-mono text-xs text-slate-500">{step.durationMs} ms</span> : null}
      </p>
      <p className="mt-1.5 break-words text-slate-700">{step.summary}</p>
      {step.addresses && step.addresses.length > 0 ? (
        <ul className="mt-1.5 space-y-0.5 font-mono text-xs text-slate-700">
          {step.addresses.map((address) => (
            <li key={address.address}>
              {address.address} — {address.allowed ? "allowed" : `refused (${address.refusal === "metadata" ? "link-local or metadata" : "private"})`}
            </li>
          ))}
        </ul>
      ) : null}
      {step.certificate ? (
        <dl className="mt-1.5 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs text-slate-700">
          <dt className="text-slate-500">Subject</dt>
          <dd className="break-all font-mono">{step.certificate.subject || "—"}</dd>
          <dt className="text-slate-500">Names</dt>
          <dd className="break-all font-mono">{step.certificate.names.join(", ") || "—"}</dd>
          <dt className="text-slate-500">Issuer</dt>
          <dd className="break-all font-mono">{step.certificate.issuer}</dd>
          <dt className="text-slate-500">Expires</dt>
          <dd className="font-mono">
            {step.certificate.validTo} ({step.certificate.daysLeft < 0 ? `${-step.certificate.daysLeft} days ago` : `in ${step.certificate.daysLeft} days`})
          </dd>
          <dt className="text-slate-500">Host name</dt>
          <dd>{step.certificate.hostnameMatches ? "matches" : "does not match"}</dd>
        </dl>
      ) : null}
      {step.response?.excerpt ? (
        <pre tabIndex={0} className="mt-1.5 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-xs text-slate-800 ring-1 ring-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
          {step.response.excerpt}
        </pre>
      ) : null}
      {step.fix ? (
        <p className="mt-1.5 break-words rounded bg-amber-50 p-2 text-amber-900">
          <span className="font-semibold">What to do: </span>
          {step.fix}
        </p>
      ) : null}
      <p className="mt-1.5 flex flex-wrap gap-x-4 text-xs">
        {step.status !== "passed" && step.status !== "skipped" ? (
          <a href={step.guide} className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            More in the guide
          </a>
        ) : null}
        {step.response ? (
          <OrgLink path={`/settings/webhooks/history/${step.response.deliveryId}`} className="font-medium text-indigo-700 underline-offset-2 hover:underline">
            View the test delivery
          </OrgLink>
        ) : null}
      </p>
    </li>
  );
}
