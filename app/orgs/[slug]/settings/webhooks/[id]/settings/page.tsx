import type { Metadata } from "next";
import { Alert } from "@/app/_components/alert";
import { Section } from "@/app/_components/card";
import { displayUrl, ENDPOINT_DESCRIPTION_MAX_LENGTH } from "@/lib/webhooks/endpoints";
import { allowPrivateNetwork } from "@/lib/webhooks/url-guard";
import { Detail } from "../../_components/detail";
import { EndpointForm } from "../../_components/endpoint-form";
import { EventList } from "../../_components/endpoint-status";
import { eventOptions } from "../../_components/event-options";
import { StatusToggle } from "../../_components/status-toggle";
import { DeliveryControlsForm } from "../../_components/delivery-controls-form";
import { describeDeliveryControls, RATE_LIMIT_RANGE, retryPresetOptions } from "../../_components/delivery-controls-text";
import { EndpointHeadersForm } from "../../_components/endpoint-headers-form";
import { ReplayMissed } from "../../_components/replay-missed";
import { ENDPOINT_HEADERS_MAX, HEADER_VALUE_MASK } from "@/lib/webhooks/endpoint-headers";
import { countRecoverable } from "@/lib/webhooks/manual";
import { EndpointFrame, loadEndpointPage } from "../_components/endpoint-frame";

export const metadata: Metadata = { title: "Endpoint settings" };

/**
 * An endpoint's Settings: URL, description and events, its delivery controls (order, rate
 * limit, retries), its custom headers, and whether it receives anything — with the offer to
 * replay what it missed while disabled; read-only for members.
 */
export default async function EndpointSettingsPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const page = await loadEndpointPage(params);
  const { organization, endpoint } = page;
  const controls = describeDeliveryControls(endpoint);
  const missed = endpoint.lastDisabledAt ? await countRecoverable({ organizationId: organization.id, endpointId: endpoint.id, filter: { missed: true } }) : { count: 0, since: null };
  const headerList =
    endpoint.headerNames.length > 0 ? (
      <ul className="space-y-1">
        {endpoint.headerNames.map((name) => (
          <li key={name} className="break-all font-mono">
            {name}: <span className="text-slate-500">{HEADER_VALUE_MASK}</span>
          </li>
        ))}
      </ul>
    ) : (
      <span className="italic text-slate-500">None</span>
    );

  if (!organization.canManage) {
    return (
      <EndpointFrame page={page} tab="settings">
        <Alert tone="info">Only owners and admins can change this endpoint, see its signing secret or send test events.</Alert>
        <Section id="settings" title="Settings">
          <dl className="-my-3 divide-y divide-slate-100">
            <Detail label="URL">
              <code className="break-all font-mono">{displayUrl(endpoint.url, false)}</code>
            </Detail>
            <Detail label="Description">{endpoint.description || <span className="italic text-slate-500">No description</span>}</Detail>
            <Detail label="Events">
              <EventList eventTypes={endpoint.eventTypes} />
            </Detail>
            <Detail label="Order">{controls.order}</Detail>
            <Detail label="Rate limit">{controls.rate}</Detail>
            <Detail label="Retries">{controls.retries}</Detail>
            <Detail label="Trace context">{controls.trace}</Detail>
            <Detail label="Custom headers">{headerList}</Detail>
            <Detail label="Receives deliveries">{endpoint.status === "active" ? "Yes" : `No, disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}`}</Detail>
          </dl>
        </Section>
      </EndpointFrame>
    );
  }

  return (
    <EndpointFrame page={page} tab="settings">
      <Section id="settings" title="Edit endpoint">
        <EndpointForm
          mode="edit"
          endpoint={{ id: endpoint.id, url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes }}
          events={eventOptions()}
          allowPrivateNetwork={allowPrivateNetwork()}
          descriptionMaxLength={ENDPOINT_DESCRIPTION_MAX_LENGTH}
        />
      </Section>
      <Section
        id="delivery"
        title="Delivery"
        description="How this endpoint's deliveries go out. These hold across every worker process."
      >
        <DeliveryControlsForm
          endpointId={endpoint.id}
          controls={{ ordering: endpoint.ordering, rateLimitPerSecond: endpoint.rateLimitPerSecond, retryPreset: endpoint.retryPreset, sendTraceparent: endpoint.sendTraceparent }}
          presets={retryPresetOptions()}
          rateLimit={RATE_LIMIT_RANGE}
        />
      </Section>
      <Section
        id="headers"
        title="Custom headers"
        description="Sent with every delivery to this endpoint, for example an Authorization header for a receiver behind a gateway."
      >
        <EndpointHeadersForm endpointId={endpoint.id} names={endpoint.headerNames} mask={HEADER_VALUE_MASK} max={ENDPOINT_HEADERS_MAX} />
      </Section>
      <Section
        id="status"
        title={endpoint.status === "active" ? "Pause deliveries" : "Resume deliveries"}
        description={
          endpoint.status === "active"
            ? "A disabled endpoint receives nothing until it is enabled again. Events it subscribes to meanwhile are kept as missed, to replay when you enable it."
            : `Enabling starts a fresh failure history. ${missed.count === 1 ? "1 event was" : `${missed.count} events were`} missed so far; once it is enabled you can replay them.`
        }
      >
        <div className="space-y-4">
          {endpoint.status === "active" && missed.count > 0 && missed.since ? (
            <ReplayMissed endpointId={endpoint.id} count={missed.count} since={missed.since.toISOString()} />
          ) : null}
          <StatusToggle endpointId={endpoint.id} status={endpoint.status} />
        </div>
      </Section>
    </EndpointFrame>
  );
}
