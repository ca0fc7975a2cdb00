import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/alert";
import { Section } from "@/app/_components/card";
import { durationText } from "@/app/_components/format";
import { RelativeTime } from "@/app/_components/relative-time";
import { DateTime } from "@/app/_components/time";
import { SECRET_ROTATION_GRACE_SECONDS } from "@/lib/webhooks/endpoints";
import { SecretPanel } from "../../_components/secret-panel";
import { EndpointFrame, loadEndpointPage } from "../_components/endpoint-frame";

export const metadata: Metadata = { title: "Signing secret" };

/** An endpoint's Signing secret: reveal, copy, rotate (owners and admins). */
export default async function EndpointSecretPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const page = await loadEndpointPage(params);
  const { organization, endpoint } = page;
  return (
    <EndpointFrame page={page} tab="secret">
      {organization.canManage ? (
        <Section
          id="secret"
          title="Signing secret"
          description={
            <>
              Your receiver uses it to verify the <code className="font-mono">webhook-signature</code> header.{" "}
              <Link href="/docs/webhooks#verifying-signatures" className="text-indigo-700 underline underline-offset-2">
                How to verify
              </Link>
            </>
          }
        >
          {endpoint.previousSecretExpiresAt ? (
            <p className="mb-4 text-sm text-slate-600">
              The previous secret also signs requests until <DateTime value={endpoint.previousSecretExpiresAt} /> (
              <RelativeTime value={endpoint.previousSecretExpiresAt} />
              ).
            </p>
          ) : null}
          <SecretPanel endpointId={endpoint.id} graceText={durationText(SECRET_ROTATION_GRACE_SECONDS)} />
        </Section>
      ) : (
        <Alert tone="info">Only owners and admins can see or rotate this endpoint&apos;s signing secret.</Alert>
      )}
    </EndpointFrame>
  );
}
