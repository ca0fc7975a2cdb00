import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/alert";
import { Section } from "@/app/_components/card";
import { durationText } from "@/app/_components/format";
import { RelativeTime } from "@/app/_components/relative-time";
import { DateTime } from "@/app/_components/time";
import { SECRET_ROTATION_GRACE_SECONDS } from "@/lib/webhooks/endpoints";
import { publicKeyPem } from "@/lib/webhooks/signing-keys";
import { PublicKeyPanel } from "../../_components/public-key-panel";
import { SecretPanel } from "../../_components/secret-panel";
import { SignatureSchemeSwitch } from "../../_components/signature-scheme-switch";
import { EndpointFrame, loadEndpointPage } from "../_components/endpoint-frame";

export const metadata: Metadata = { title: "Signing" };

const docsLink = "text-indigo-700 underline underline-offset-2";

/**
 * An endpoint's signing credential. HMAC: reveal, copy and rotate the shared secret (owners and
 * admins). Ed25519: the public key for every member (copy, PEM download), rotation for owners and
 * admins. Owners and admins also switch between the two.
 */
export default async function EndpointSecretPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const page = await loadEndpointPage(params);
  const { organization, endpoint } = page;
  const graceText = durationText(SECRET_ROTATION_GRACE_SECONDS);
  const previousNote = endpoint.previousSecretExpiresAt ? (
    <p className="mb-4 text-sm text-slate-600">
      The previous {endpoint.previousSignatureScheme === "ed25519" ? "Ed25519 key" : "secret"} also signs requests until{" "}
      <DateTime value={endpoint.previousSecretExpiresAt} /> (
      <RelativeTime value={endpoint.previousSecretExpiresAt} />
      ).
    </p>
  ) : null;

  return (
    <EndpointFrame page={page} tab="secret">
      {endpoint.signatureScheme === "ed25519" && endpoint.publicKey ? (
        <Section
          id="signing-key"
          title="Signing key (Ed25519)"
          description={
            <>
              Your receiver verifies the <code className="font-mono">v1a</code> entries of the <code className="font-mono">webhook-signature</code> header
              with this public key. It is not secret; the private key never leaves this platform.{" "}
              <Link href="/docs/webhooks#ed25519" className={docsLink}>
                How to verify
              </Link>
            </>
          }
        >
          {previousNote}
          <PublicKeyPanel
            endpointId={endpoint.id}
            publicKey={endpoint.publicKey}
            pem={publicKeyPem(endpoint.publicKey)}
            canManage={organization.canManage}
            graceText={graceText}
          />
        </Section>
      ) : organization.canManage ? (
        <Section
          id="secret"
          title="Signing secret"
          description={
            <>
              Your receiver uses it to verify the <code className="font-mono">webhook-signature</code> header.{" "}
              <Link href="/docs/webhooks#verifying-signatures" className={docsLink}>
                How to verify
              </Link>
            </>
          }
        >
          {previousNote}
          <SecretPanel endpointId={endpoint.id} graceText={graceText} />
        </Section>
      ) : (
        <Alert tone="info">Only owners and admins can see or rotate this endpoint&apos;s signing secret.</Alert>
      )}
      {organization.canManage && endpoint.kind === "http" ? (
        <Section id="signature-scheme" title="Signature scheme">
          <SignatureSchemeSwitch endpointId={endpoint.id} scheme={endpoint.signatureScheme} graceText={graceText} />
        </Section>
      ) : null}
    </EndpointFrame>
  );
}
