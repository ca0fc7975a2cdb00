import type { ReactNode } from "react";
import { EndpointHealthBadge } from "@/app/_components/delivery-state";
import { orgPath } from "@/app/_components/org-paths";
import type { OrgMembership } from "@/lib/auth/membership";
import { requireOrgViewer } from "@/lib/auth/page";
import { endpointActivity, type EndpointActivity } from "@/lib/webhooks/endpoint-activity";
import { displayUrl, type EndpointView, getEndpoint } from "@/lib/webhooks/endpoints";
import { endpointHealth } from "@/lib/webhooks/outcomes";
import { BackLink } from "../../_components/detail";
import { orNotFound } from "../../_components/or-not-found";
import { type EndpointTab, endpointTabs, TabNav } from "../../_components/tab-nav";
import { DiagnosePanel } from "../../_components/diagnose-panel";
import { TestEventPicker } from "../../_components/test-event-picker";
import { testEventOptions } from "../../_components/test-event-options";

export interface EndpointPageData {
  organization: OrgMembership;
  endpoint: EndpointView;
  /** Health, last delivery and 24 h counts (null only if the endpoint vanished between the two reads). */
  activity: EndpointActivity | null;
  /** The organization's webhooks page. */
  base: string;
  /** This endpoint's page (its Overview). */
  path: string;
}

/**
 * What every section of an endpoint's page needs: the viewer's organization, the endpoint
 * (another organization's id, or none, renders the 404 page) and its activity. Each
 * section loads its own data on top of this, so a page loads only the section it shows.
 */
export async function loadEndpointPage(params: Promise<{ slug: string; id: string }>): Promise<EndpointPageData> {
  const { slug, id } = await params;
  const { organization } = await requireOrgViewer(slug);
  const [endpoint, activity] = await Promise.all([
    orNotFound(getEndpoint({ organizationId: organization.id, endpointId: id })),
    endpointActivity({ organizationId: organization.id, endpointIds: [id] }),
  ]);
  const base = orgPath(organization.slug);
  return { organization, endpoint, activity: activity.get(endpoint.id) ?? null, base, path: `${base}/${endpoint.id}` };
}

/**
 * An endpoint's page around one section: the way back, the header (the URL in full, or
 * its host for members; the description; the health badge; "Send test event" and
 * "Diagnose" for owners and admins) and the section tabs.
 */
export function EndpointFrame({ page, tab, children }: { page: EndpointPageData; tab: EndpointTab; children: ReactNode }) {
  const { organization, endpoint, activity } = page;
  const health = activity?.health ?? endpointHealth(endpoint);
  return (
    <div className="space-y-6">
      <BackLink href={page.base}>Endpoints</BackLink>
      <div className="space-y-3">
        <div className="min-w-0">
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">{endpoint.kind === "cli" ? "Listen session" : "Endpoint"}</p>
          <h1 className="mt-1 break-all font-mono text-xl font-semibold text-slate-900 sm:text-2xl">{displayUrl(endpoint.url, organization.canManage)}</h1>
          {endpoint.description ? (
            <p className="mt-1 break-words text-sm text-slate-600">{endpoint.description}</p>
          ) : (
            <p className="mt-1 text-sm italic text-slate-500">No description</p>
          )}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <EndpointHealthBadge health={health} />
          {endpoint.kind === "cli" ? (
            <p className="text-sm text-slate-600">
              Delivered through <code className="font-mono">npm run listen</code> to a developer&apos;s machine while its CLI is connected; waiting deliveries
              are held until it reconnects. Deleted after 24 hours without a connection.
            </p>
          ) : organization.canManage ? (
            <>
              <TestEventPicker endpointId={endpoint.id} options={testEventOptions(endpoint)} />
              <DiagnosePanel endpointId={endpoint.id} />
            </>
          ) : null}
        </div>
      </div>
      <TabNav label="Endpoint sections" tabs={endpointTabs(page.path, organization.canManage, endpoint.signatureScheme)} current={tab} />
      {children}
    </div>
  );
}
