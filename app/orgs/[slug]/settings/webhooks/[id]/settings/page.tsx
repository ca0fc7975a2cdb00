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
import { EndpointFrame, loadEndpointPage } from "../_components/endpoint-frame";

export const metadata: Metadata = { title: "Endpoint settings" };

/**
 * An endpoint's Settings: URL, description and events, its delivery controls (order, rate
 * limit, retries), and whether it receives anything; read-only for members.
 */
export default async function EndpointSettingsPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const page = await loadEndpointPage(params);
  const { organization, endpoint } = page;
  const controls = describeDeliveryControls(endpoint);

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
          controls={{ ordering: endpoint.ordering, rateLimitPerSecond: endpoint.rateLimitPerSecond, retryPreset: endpoint.retryPreset }}
          presets={retryPresetOptions()}
          rateLimit={RATE_LIMIT_RANGE}
        />
      </Section>
      <Section
        id="status"
        title={endpoint.status === "active" ? "Pause deliveries" : "Resume deliveries"}
        description={
          endpoint.status === "active"
            ? "A disabled endpoint receives nothing until it is enabled again."
            : "Enabling starts a fresh failure history. Deliveries cancelled while it was disabled stay cancelled; recover them in the danger zone."
        }
      >
        <StatusToggle endpointId={endpoint.id} status={endpoint.status} />
      </Section>
    </EndpointFrame>
  );
}
