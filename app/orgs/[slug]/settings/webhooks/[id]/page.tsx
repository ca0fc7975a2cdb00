import { displayUrl, ENDPOINT_DESCRIPTION_MAX_LENGTH, getEndpoint, SECRET_ROTATION_GRACE_SECONDS } from "@/lib/webhooks/endpoints";
import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/alert";
import { buttonClassName } from "@/app/_components/button";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import { DateTime } from "@/app/_components/time";
import { requireOrgViewer } from "@/lib/auth/page";
import { endpointActivity } from "@/lib/webhooks/endpoint-activity";
import { allowPrivateNetwork } from "@/lib/webhooks/url-guard";
import { DeleteEndpointButton } from "../_components/delete-endpoint-button";
import { EndpointForm } from "../_components/endpoint-form";
import { EndpointStatus, EventList, SuccessRate } from "../_components/endpoint-status";
import { eventOptions } from "../_components/event-options";
import { durationText, urlHost } from "@/app/_components/format";
import { RecoverForm } from "../_components/recover-form";
import { RelativeTime } from "@/app/_components/relative-time";
import { Section } from "@/app/_components/card";
import { SecretPanel } from "../_components/secret-panel";
import { StatusToggle } from "../_components/status-toggle";
import { orNotFound } from "../_components/or-not-found";
import { TestEventButton } from "../_components/test-event-button";
import { EndpointHealthBadge, OutcomeBadge } from "@/app/_components/delivery-state";
import { BackLink, Detail } from "../_components/detail";

export const metadata: Metadata = { title: "Endpoint" };

/** One endpoint: its details for everyone; editing, secret, test, recovery and deletion for owners and admins. */
export default async function EndpointPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { organization } = await requireOrgViewer(slug);
  const base = orgPath(organization.slug);
  const [endpoint, activity] = await Promise.all([
    orNotFound(getEndpoint({ organizationId: organization.id, endpointId: id })),
    endpointActivity({ organizationId: organization.id }),
  ]);
  const stats = activity.get(endpoint.id);
  const host = urlHost(endpoint.url);

  return (
    <div className="space-y-6">
      <BackLink href={base}>Endpoints</BackLink>
      <PageHeader
        title={host}
        description={endpoint.description || undefined}
        actions={
          <Link href={`${base}/history?endpointId=${encodeURIComponent(endpoint.id)}`} className={buttonClassName({ variant: "secondary" })}>
            View deliveries
          </Link>
        }
      />

      <Section id="details" title="Details">
        <dl className="-my-3 divide-y divide-slate-100">
          <Detail label="URL">
            <code className="break-all font-mono">{displayUrl(endpoint.url, organization.canManage)}</code>
          </Detail>
          <Detail label="Status">
            {stats ? <EndpointHealthBadge health={stats.health} /> : <EndpointStatus status={endpoint.status} disabledReason={endpoint.disabledReason} signingBlockedAt={endpoint.signingBlockedAt} />}
            {endpoint.disabledAt ? (
              <span className="ml-2 text-slate-500">
                since <RelativeTime value={endpoint.disabledAt} />
              </span>
            ) : null}
          </Detail>
          <Detail label="Events">
            <EventList eventTypes={endpoint.eventTypes} />
          </Detail>
          <Detail label="Last delivery">
            {stats?.lastDeliveryAt ? (
              <span className="inline-flex flex-wrap items-center gap-2">
                <RelativeTime value={stats.lastDeliveryAt} />
                {stats.lastOutcome ? <OutcomeBadge outcome={stats.lastOutcome} /> : null}
              </span>
            ) : (
              <span className="text-slate-500">None yet</span>
            )}
          </Detail>
          <Detail label="Success, last 24 h">
            <SuccessRate rate={stats?.successRate24h} />
          </Detail>
          <Detail label="Last success">
            <RelativeTime value={stats?.lastSuccessAt ?? endpoint.lastSuccessAt} fallback="Never" />
          </Detail>
          <Detail label="Last failure">
            <RelativeTime value={endpoint.lastFailureAt} fallback="Never" />
          </Detail>
          {endpoint.failingSince ? (
            <Detail label="Failing since">
              <RelativeTime value={endpoint.failingSince} />
            </Detail>
          ) : null}
          <Detail label="Created">
            <RelativeTime value={endpoint.createdAt} />
          </Detail>
          <Detail label="Endpoint id">
            <code className="font-mono">{endpoint.id}</code>
          </Detail>
        </dl>
      </Section>

      {organization.canManage ? (
        <>
          <Section
            id="test"
            title="Send a test event"
            description="Sends one signed webhook.test event to this URL right now and shows what your server answered. Works while the endpoint is disabled too."
          >
            <TestEventButton endpointId={endpoint.id} />
          </Section>

          <Section
            id="secret"
            title="Signing secret"
            description={
              <>
                Your receiver uses it to verify the <code className="font-mono">webhook-signature</code> header.{" "}
                <Link href="/docs/webhooks#verifying-signatures" className="text-indigo-700 underline-offset-2 hover:underline">
                  How to verify
                </Link>
              </>
            }
          >
            {endpoint.previousSecretExpiresAt ? (
              <p className="mb-4 text-sm text-slate-600">
                The previous secret also signs requests until{" "}
                <DateTime value={endpoint.previousSecretExpiresAt} /> (<RelativeTime value={endpoint.previousSecretExpiresAt} />).
              </p>
            ) : null}
            <SecretPanel endpointId={endpoint.id} graceText={durationText(SECRET_ROTATION_GRACE_SECONDS)} />
          </Section>

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
            id="status"
            title={endpoint.status === "active" ? "Pause deliveries" : "Resume deliveries"}
            description={
              endpoint.status === "active"
                ? "A disabled endpoint receives nothing until it is enabled again."
                : "Enabling starts a fresh failure history. Deliveries cancelled while it was disabled stay cancelled; recover them below."
            }
          >
            <StatusToggle endpointId={endpoint.id} status={endpoint.status} />
          </Section>

          <Section id="recover" title="Recover deliveries">
            <RecoverForm endpointId={endpoint.id} disabled={endpoint.status !== "active"} />
          </Section>

          <Section id="danger" title="Delete endpoint" description="Removes the endpoint with its whole delivery history.">
            <DeleteEndpointButton endpointId={endpoint.id} host={host} />
          </Section>
        </>
      ) : (
        <Alert tone="info">Only owners and admins can change this endpoint, see its signing secret or send test events.</Alert>
      )}
    </div>
  );
}
