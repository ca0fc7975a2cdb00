import type { Metadata } from "next";
import { Alert } from "@/app/_components/alert";
import { Section } from "@/app/_components/card";
import { urlHost } from "@/app/_components/format";
import { DeleteEndpointButton } from "../../_components/delete-endpoint-button";
import { RecoverForm } from "../../_components/recover-form";
import { EndpointFrame, loadEndpointPage } from "../_components/endpoint-frame";

export const metadata: Metadata = { title: "Danger zone" };

/** An endpoint's Danger zone: send failed deliveries again, or delete the endpoint (owners and admins). */
export default async function EndpointDangerPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const page = await loadEndpointPage(params);
  const { organization, endpoint } = page;
  return (
    <EndpointFrame page={page} tab="danger">
      {organization.canManage ? (
        <>
          <Section id="recover" title="Recover deliveries">
            <RecoverForm endpointId={endpoint.id} disabled={endpoint.status !== "active"} />
          </Section>
          <Section id="danger" title="Delete endpoint" description="Removes the endpoint with its whole delivery history.">
            <DeleteEndpointButton endpointId={endpoint.id} host={urlHost(endpoint.url)} />
          </Section>
        </>
      ) : (
        <Alert tone="info">Only owners and admins can recover this endpoint&apos;s deliveries or delete it.</Alert>
      )}
    </EndpointFrame>
  );
}
