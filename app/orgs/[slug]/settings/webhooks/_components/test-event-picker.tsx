"use client";

import { useId, useState } from "react";
import { Button } from "@/app/_components/button";
import { SelectField } from "@/app/_components/field";
import { ManualAttemptOutcomeView } from "./attempt-result";
import type { TestEventOption } from "./test-event-options";
import { useManualAttempt } from "./use-manual-attempt";

/**
 * "Send test event": opens a panel to pick an event type from the catalogue, shows the
 * payload that will be sent (the type's sample, marked as a test by its `test-` key),
 * sends it now and shows what the endpoint answered, inline.
 */
export function TestEventPicker({ endpointId, options }: { endpointId: string; options: TestEventOption[] }) {
  const [open, setOpen] = useState(false);
  const [eventType, setEventType] = useState(options[0]?.name ?? "webhook.test");
  const { pending, outcome, run } = useManualAttempt(`/api/webhooks/endpoints/${endpointId}/test`);
  const panelId = useId();
  const headingId = `${panelId}-heading`;
  const payloadId = `${panelId}-payload`;
  const selected = options.find((option) => option.name === eventType) ?? options[0];

  return (
    <>
      <Button variant="secondary" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((value) => !value)}>
        Send test event
      </Button>
      <section id={panelId} hidden={!open} aria-labelledby={headingId} className="w-full basis-full rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id={headingId} className="text-base font-semibold text-slate-900">
          Send a test event
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Sent once, right now, signed like every delivery, and never retried. Its idempotency key starts with{" "}
          <code className="font-mono">test-</code> so your receiver can tell it from a real event. Works while the endpoint is disabled too.
        </p>
        <form
          className="mt-4 space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            void run({ eventType });
          }}
        >
          <SelectField
            label="Event type"
            name="eventType"
            value={eventType}
            hint={selected?.description}
            onChange={(event) => setEventType(event.target.value)}
            className="max-w-md"
            inputClassName="font-mono"
          >
            {options.map((option) => (
              <option key={option.name} value={option.name}>
                {option.name}
              </option>
            ))}
          </SelectField>
          {selected ? (
            <div>
              <p id={payloadId} className="text-sm font-medium text-slate-800">
                Payload to send
              </p>
              <pre
                tabIndex={0}
                aria-labelledby={payloadId}
                data-testid="test-event-payload"
                className="mt-1.5 max-h-72 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
              >
                {selected.payload}
              </pre>
              <details className="mt-2 text-sm">
                <summary className="cursor-pointer text-indigo-700 hover:text-indigo-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600">
                  Schema of {selected.name}&apos;s data
                </summary>
                <pre
                  tabIndex={0}
                  data-testid="test-event-schema"
                  className="mt-1.5 max-h-72 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
                >
                  {selected.schema}
                </pre>
              </details>
            </div>
          ) : null}
          <Button type="submit" loading={pending}>
            {`Send ${eventType}`}
          </Button>
        </form>
        <div className="mt-4">
          <ManualAttemptOutcomeView outcome={outcome} testId="test-result" errorTitle="The test event could not be sent" showDeliveryLink />
        </div>
      </section>
    </>
  );
}
