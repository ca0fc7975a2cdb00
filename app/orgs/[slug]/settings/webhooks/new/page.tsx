import type { Metadata } from "next";
import { Alert } from "@/app/_components/alert";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import { Card } from "@/app/_components/card";
import { requireOrgViewer } from "@/lib/auth/page";
import { organizationUsage } from "@/lib/limits/usage";
import { ENDPOINT_DESCRIPTION_MAX_LENGTH } from "@/lib/webhooks/endpoints";
import { allowPrivateNetwork } from "@/lib/webhooks/url-guard";
import { EndpointForm } from "../_components/endpoint-form";
import { eventOptions } from "../_components/event-options";
import { BackLink } from "../_components/detail";

export const metadata: Metadata = { title: "Add endpoint" };

export default async function NewEndpointPage({ params }: { params: Promise<{ slug: string }> }) {
  const { organization } = await requireOrgViewer((await params).slug);
  const usage = await organizationUsage({ organizationId: organization.id });

  return (
    <div className="max-w-3xl space-y-6">
      <BackLink href={orgPath(organization.slug)}>Endpoints</BackLink>
      <PageHeader
        title="Add endpoint"
        description="Tell us where to send events and which ones. You get its signing secret, or its public key, once the endpoint is created."
      />
      {organization.canManage && usage.endpoints.reached ? (
        <Alert tone="warning" title={`Endpoint limit reached: ${usage.endpoints.count} of ${usage.endpoints.limit}`}>
          {organization.name} has as many endpoints as this installation allows. Delete one you no longer need to add another.
        </Alert>
      ) : organization.canManage ? (
        <Card>
          <EndpointForm
            mode="create"
            events={eventOptions()}
            allowPrivateNetwork={allowPrivateNetwork()}
            descriptionMaxLength={ENDPOINT_DESCRIPTION_MAX_LENGTH}
          />
        </Card>
      ) : (
        <Alert tone="info" title="Only owners and admins can add endpoints">
          Ask someone with the owner or admin role in {organization.name} to add it for you.
        </Alert>
      )}
    </div>
  );
}
