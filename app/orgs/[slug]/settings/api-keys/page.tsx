import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/alert";
import { textLinkClassName } from "@/app/_components/auth-card";
import { StatusBadge } from "@/app/_components/badge";
import { DataCell, DataTable } from "@/app/_components/data-table";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { DateTime } from "@/app/_components/time";
import { Section } from "@/app/_components/card";
import { listApiKeys } from "@/lib/api-keys";
import { requireOrgViewer } from "@/lib/auth/page";
import { CreateApiKeyForm } from "./create-api-key-form";
import { EditScopesButton } from "./edit-scopes-button";
import { RevokeApiKeyButton } from "./revoke-api-key-button";
import { UsageSnippet } from "./usage-snippet";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { organization } = await requireOrgViewer((await params).slug);
  // Members get 403 from the API for keys, so the page does not list them either.
  const keys = organization.canManage ? await listApiKeys({ organizationId: organization.id }) : [];

  return (
    <div className="space-y-10">
      <PageHeader
        title="API keys"
        description={
          <>
            Your backend uses an API key to send events to <span className="font-medium text-slate-800">{organization.name}</span>&apos;s webhook
            endpoints through the ingest API, and, with more scopes, to manage endpoints and deliveries. Keys belong to the organization, not to a
            person; give each only the scopes it needs.
          </>
        }
      />

      {organization.canManage ? (
        <>
          <Section id="create-key-heading" title="Create a key">
            <CreateApiKeyForm />
          </Section>

          <section aria-labelledby="keys-heading">
            <h2 id="keys-heading" className="text-base font-semibold text-slate-900">
              Keys
            </h2>
            {keys.length === 0 ? (
              <EmptyState className="mt-3" title="No API keys yet" description="Create a key above to start sending events from your backend." />
            ) : (
              <DataTable
                stacked
                columns={[{ label: "Name" }, { label: "Key" }, { label: "Scopes" }, { label: "Created" }, { label: "Last used" }, { label: "Status" }, { label: "Actions", hidden: true, align: "right" }]}
              >
                {keys.map((key) => (
                  <tr key={key.id} className={key.revokedAt ? "text-slate-500" : undefined}>
                    <DataCell header label="Name">
                      {key.name}
                    </DataCell>
                    <DataCell label="Key" className="font-mono text-xs">
                      {key.prefix}…
                    </DataCell>
                    <DataCell label="Scopes">
                      <ul className="flex flex-wrap gap-1" aria-label={`Scopes of ${key.name}`}>
                        {key.scopes.map((scope) => (
                          <li key={scope} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                            {scope}
                          </li>
                        ))}
                      </ul>
                    </DataCell>
                    <DataCell label="Created">
                      <DateTime value={key.createdAt} />
                    </DataCell>
                    <DataCell label="Last used">
                      <DateTime value={key.lastUsedAt} fallback="Never" />
                    </DataCell>
                    <DataCell label="Status">
                      {key.revokedAt ? (
                        <span className="inline-flex flex-col gap-0.5">
                          <StatusBadge status="revoked" />
                          <span className="text-xs">
                            <DateTime value={key.revokedAt} />
                          </span>
                        </span>
                      ) : (
                        <StatusBadge status="active" />
                      )}
                    </DataCell>
                    <DataCell className="text-right">
                      {key.revokedAt ? null : (
                        <span className="inline-flex gap-1">
                          <EditScopesButton key={key.scopes.join(" ")} keyId={key.id} name={key.name} scopes={key.scopes} />
                          <RevokeApiKeyButton keyId={key.id} name={key.name} />
                        </span>
                      )}
                    </DataCell>
                  </tr>
                ))}
              </DataTable>
            )}
          </section>
        </>
      ) : (
        <Alert tone="info" title="Only owners and admins manage API keys">
          Keys can send events on behalf of the whole organization, so only owners and admins can create, view or revoke them. Ask one of them if your
          backend needs a key.
        </Alert>
      )}

      <section aria-labelledby="usage-heading">
        <h2 id="usage-heading" className="text-base font-semibold text-slate-900">
          Sending an event
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Each event is delivered to every active endpoint subscribed to its type. Repeating an <code className="font-mono">idempotencyKey</code>{" "}
          returns the first event instead of creating a second one. See the{" "}
          <Link href="/docs/webhooks" className={textLinkClassName}>
            developer docs
          </Link>{" "}
          for payloads, signatures and retries.
        </p>
        <div className="mt-3">
          <UsageSnippet />
        </div>
      </section>
    </div>
  );
}
