import Link from "next/link";
import { Button, buttonClassName } from "@/app/_components/button";
import { Field, SelectField } from "@/app/_components/field";
import { cardClassName } from "@/app/_components/card";
import { OUTCOME_LABELS } from "@/app/_components/delivery-state";
import { DELIVERY_STATUSES, EVENT_TYPE_FILTER_MAX } from "@/lib/webhooks/history-filters";
import { hasFilters, type HistoryFormValues } from "./query";

export interface HistoryFiltersProps {
  /** The organization's history page. */
  action: string;
  values: HistoryFormValues;
  /** Suggested in the event-type field: names and `resource.*` prefixes. */
  eventTypes: readonly string[];
  endpoints: { id: string; label: string }[];
}

/**
 * The filters as a plain GET form: works without JavaScript, Enter in any
 * field applies them, and the result is a shareable URL. The event-type field
 * suggests names through a `<datalist>` and takes a prefix (`invoice.*`).
 */
export function HistoryFilters({ action, values, eventTypes, endpoints }: HistoryFiltersProps) {
  return (
    <form method="get" action={action} role="search" aria-label="Filter deliveries" className={cardClassName("sm")}>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <SelectField
          id="filter-status"
          label="Status"
          hint="Pending: not tried yet. Retrying: failed, will try again. Held: waits while its endpoint’s circuit is open."
          name="status"
          defaultValue={values.status}
        >
          <option value="">Any status</option>
          {DELIVERY_STATUSES.map((status) => (
            <option key={status} value={status}>
              {OUTCOME_LABELS[status]}
            </option>
          ))}
        </SelectField>
        <Field
          id="filter-event-type"
          label="Event type"
          hint="A name, or a prefix such as invoice.* or invoice."
          name="eventType"
          list="filter-event-type-options"
          defaultValue={values.eventType}
          placeholder="Any event"
          autoComplete="off"
          spellCheck={false}
          maxLength={EVENT_TYPE_FILTER_MAX}
          inputClassName="font-mono"
        />
        <datalist id="filter-event-type-options">
          {eventTypes.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <SelectField id="filter-endpoint" label="Endpoint" name="endpointId" defaultValue={values.endpointId}>
          <option value="">Any endpoint</option>
          {endpoints.map((endpoint) => (
            <option key={endpoint.id} value={endpoint.id}>
              {endpoint.label}
            </option>
          ))}
        </SelectField>
        <Field id="filter-from" label="From" hint="Created on or after this day (UTC)" name="from" type="date" defaultValue={values.from} />
        <Field id="filter-to" label="To" hint="Created on or before this day (UTC)" name="to" type="date" defaultValue={values.to} />
        <Field
          id="filter-idempotency-key"
          label="Idempotency key"
          hint="Matches keys containing this text"
          name="idempotencyKey"
          defaultValue={values.idempotencyKey}
          autoComplete="off"
          spellCheck={false}
          maxLength={255}
          inputClassName="font-mono"
        />
      </div>
      <div className="mt-4 flex flex-wrap gap-2">
        <Button type="submit">Apply filters</Button>
        {hasFilters(values) ? (
          <Link href={action} className={buttonClassName({ variant: "ghost" })}>
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}
