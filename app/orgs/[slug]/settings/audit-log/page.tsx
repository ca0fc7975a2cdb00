import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/alert";
import { Button, buttonClassName } from "@/app/_components/button";
import { DataCell, DataTable } from "@/app/_components/data-table";
import { EmptyState } from "@/app/_components/empty-state";
import { SelectField } from "@/app/_components/field";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import { DateTime } from "@/app/_components/time";
import { cardClassName } from "@/app/_components/card";
import { auditActors, listAuditLog } from "@/lib/audit/query";
import { AUDIT_ACTIONS } from "@/lib/audit/record";
import { requireOrgViewer } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Audit log" };

const one = (value: string | string[] | undefined): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** Details as "key: value" pairs; they never hold secrets (lib/audit/record.ts). */
function describeDetails(details: unknown): string {
  if (!details || typeof details !== "object") return "";
  return Object.entries(details as Record<string, unknown>)
    .filter(([, value]) => value !== null && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join(" · ");
}

export default async function AuditLogPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { organization } = await requireOrgViewer((await params).slug);
  const search = await searchParams;
  const action = orgPath(organization.slug, "/settings/audit-log");
  const header = (
    <PageHeader
      title="Audit log"
      description="Who did what, when and from where: secrets revealed and rotated, endpoint changes, redeliveries, API keys, members and invitations. Entries cannot be edited or deleted."
    />
  );
  if (!organization.canManage) {
    return (
      <div className="space-y-10">
        {header}
        <Alert tone="info">Only owners and admins can read the audit log.</Alert>
      </div>
    );
  }
  const filters = { actor: one(search.actor), action: one(search.action) };
  const knownAction = filters.action && (AUDIT_ACTIONS as readonly string[]).includes(filters.action) ? filters.action : undefined;
  const [page, actors] = await Promise.all([
    listAuditLog({ organizationId: organization.id, actor: filters.actor, action: knownAction, cursor: one(search.cursor) }),
    auditActors({ organizationId: organization.id }),
  ]);
  const next = new URLSearchParams({ ...(filters.actor ? { actor: filters.actor } : {}), ...(knownAction ? { action: knownAction } : {}) });
  if (page.nextCursor) next.set("cursor", page.nextCursor);

  return (
    <div className="space-y-6">
      {header}
      <form method="get" action={action} role="search" aria-label="Filter the audit log" className={cardClassName("sm")}>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField id="audit-actor" label="Actor" name="actor" defaultValue={filters.actor ?? ""}>
            <option value="">Anyone</option>
            {actors.map((actor) => (
              <option key={actor.value} value={actor.value}>
                {actor.label}
              </option>
            ))}
          </SelectField>
          <SelectField id="audit-action" label="Action" name="action" defaultValue={knownAction ?? ""}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="mt-4 flex flex-wrap gap-2">
          <Button type="submit">Apply filters</Button>
          {filters.actor || knownAction ? (
            <Link href={action} className={buttonClassName({ variant: "ghost" })}>
              Clear filters
            </Link>
          ) : null}
        </div>
      </form>

      {page.items.length === 0 ? (
        <EmptyState title="No entries" description="Actions that change or reveal something in this organization appear here." />
      ) : (
        <DataTable stacked columns={[{ label: "When" }, { label: "Actor" }, { label: "Action" }, { label: "Target" }, { label: "Details" }, { label: "From" }]}>
          {page.items.map((entry) => (
            <tr key={entry.id}>
              <DataCell label="When" className="whitespace-nowrap text-slate-600">
                <DateTime value={entry.createdAt} />
              </DataCell>
              <DataCell label="Actor" className="text-slate-900">
                {entry.actorEmail ?? (entry.actorApiKeyId ? `API key ${entry.actorApiKeyId}` : "System")}
              </DataCell>
              <DataCell label="Action" className="font-mono text-xs">
                {entry.action}
              </DataCell>
              <DataCell label="Target" className="break-all font-mono text-xs text-slate-600">
                {entry.targetId ?? "—"}
              </DataCell>
              <DataCell label="Details" className="text-xs text-slate-600">
                {describeDetails(entry.details)}
              </DataCell>
              <DataCell label="From" className="text-xs text-slate-600" title={entry.userAgent ?? undefined}>
                {entry.ipAddress ?? "—"}
              </DataCell>
            </tr>
          ))}
        </DataTable>
      )}
      {page.nextCursor ? (
        <Link href={`${action}?${next.toString()}`} className={buttonClassName({ variant: "secondary" })}>
          Older entries
        </Link>
      ) : null}
    </div>
  );
}
