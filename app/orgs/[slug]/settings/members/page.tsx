import type { Metadata } from "next";
import { Alert } from "@/app/_components/alert";
import { Badge, StatusBadge } from "@/app/_components/badge";
import { DataCell, DataTable } from "@/app/_components/data-table";
import { EmptyState } from "@/app/_components/empty-state";
import { PageHeader } from "@/app/_components/page-header";
import { DateTime } from "@/app/_components/time";
import { Section } from "@/app/_components/card";
import { requireOrgViewer } from "@/lib/auth/page";
import { getOrganizationSecurity, hasTwoFactor } from "@/lib/auth/two-factor-policy";
import { listPendingInvitations } from "@/lib/organizations/invitations";
import { listMembers } from "@/lib/organizations/members";
import { DeleteOrganizationSection } from "./delete-organization-section";
import { InvitationActions } from "./invitation-actions";
import { InviteMemberForm } from "./invite-member-form";
import { MemberActions } from "./member-actions";
import { OwnerTwoFactorSetting } from "./owner-two-factor-setting";
import { ROLE_DESCRIPTIONS, ROLE_ORDER, roleRank } from "./roles";

export const metadata: Metadata = { title: "Members" };

function isPast(date: Date): boolean {
  return date.getTime() <= Date.now();
}

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const viewer = await requireOrgViewer((await params).slug);
  const { organization } = viewer;
  const [members, invitations] = await Promise.all([
    listMembers(organization.id),
    organization.canManage ? listPendingInvitations(organization.id) : Promise.resolve([]),
  ]);
  members.sort((a, b) => roleRank(a.role) - roleRank(b.role) || a.createdAt.getTime() - b.createdAt.getTime());
  const ownerCount = members.filter((member) => member.role === "owner").length;

  return (
    <div className="space-y-10">
      <PageHeader
        title="Members"
        description={
          <>
            People in <span className="font-medium text-slate-800">{organization.name}</span>.{" "}
            {ROLE_ORDER.map((role, index) => (
              <span key={role}>
                <span className="font-medium capitalize text-slate-800">{role}s</span>: {ROLE_DESCRIPTIONS[role].toLowerCase()}
                {index < ROLE_ORDER.length - 1 ? "; " : "."}
              </span>
            ))}
          </>
        }
      />

      {organization.canManage ? (
        <Section id="invite-heading" title="Invite a teammate" description="You'll get a link to send them; invitations are valid for 7 days.">
          <InviteMemberForm />
        </Section>
      ) : (
        <Alert tone="info">Only owners and admins can invite people or change roles. Ask one of them if someone needs access.</Alert>
      )}

      <section aria-labelledby="members-heading">
        <h2 id="members-heading" className="text-base font-semibold text-slate-900">
          Members <span className="font-normal text-slate-500">({members.length})</span>
        </h2>
        <DataTable
          stacked
          columns={[
            { label: "Name" },
            { label: "Email" },
            { label: "Role" },
            { label: "Joined" },
            ...(organization.canManage ? [{ label: "Actions", hidden: true, align: "right" as const }] : []),
          ]}
        >
          {members.map((member) => {
            const isSelf = member.userId === viewer.userId;
            const displayName = member.user.name || member.user.email;
            // Admins cannot change or remove owners; better-auth would refuse anyway.
            const editable = organization.canManage && (organization.role === "owner" || member.role !== "owner");
            return (
              <tr key={member.id}>
                <DataCell header label="Name">
                  {member.user.name}
                  {isSelf ? <span className="ml-2 text-xs font-normal text-slate-500">(you)</span> : null}
                </DataCell>
                <DataCell label="Email" className="text-slate-600">
                  {member.user.email}
                </DataCell>
                <DataCell label="Role">
                  <Badge tone={member.role === "owner" ? "indigo" : "gray"} className="capitalize">
                    {member.role}
                  </Badge>
                </DataCell>
                <DataCell label="Joined" className="text-slate-600">
                  <DateTime value={member.createdAt} format="date" />
                </DataCell>
                {organization.canManage ? (
                  <DataCell className="text-right">
                    {editable ? (
                      <MemberActions
                        memberId={member.id}
                        displayName={displayName}
                        organizationName={organization.name}
                        role={member.role}
                        isSelf={isSelf}
                        viewerIsOwner={organization.role === "owner"}
                        soleOwner={isSelf && member.role === "owner" && ownerCount === 1}
                      />
                    ) : (
                      <span className="text-xs text-slate-500">Only owners can change owners</span>
                    )}
                  </DataCell>
                ) : null}
              </tr>
            );
          })}
        </DataTable>
      </section>

      {organization.role === "owner" ? <OwnerSecuritySection organizationId={organization.id} userId={viewer.userId} /> : null}

      {organization.canManage ? (
        <section aria-labelledby="invitations-heading">
          <h2 id="invitations-heading" className="text-base font-semibold text-slate-900">
            Pending invitations
          </h2>
          {invitations.length === 0 ? (
            <EmptyState
              className="mt-3"
              title="No pending invitations"
              description="Invitations you create appear here until they are accepted, cancelled or expire."
            />
          ) : (
            <DataTable
              stacked
              columns={[{ label: "Email" }, { label: "Role" }, { label: "Invited by" }, { label: "Expires" }, { label: "Actions", hidden: true, align: "right" }]}
            >
              {invitations.map((invitation) => {
                const expired = isPast(invitation.expiresAt);
                return (
                  <tr key={invitation.id}>
                    <DataCell header label="Email">
                      {invitation.email}
                    </DataCell>
                    <DataCell label="Role" className="capitalize text-slate-600">
                      {invitation.role ?? "member"}
                    </DataCell>
                    <DataCell label="Invited by" className="text-slate-600">
                      {invitation.inviter.name}
                    </DataCell>
                    <DataCell label="Expires" className="text-slate-600">
                      {expired ? <StatusBadge status="expired" /> : <DateTime value={invitation.expiresAt} />}
                    </DataCell>
                    <DataCell className="text-right">
                      <InvitationActions invitationId={invitation.id} email={invitation.email} expired={expired} />
                    </DataCell>
                  </tr>
                );
              })}
            </DataTable>
          )}
        </section>
      ) : null}

      {organization.role === "owner" ? <DeleteOrganizationSection /> : null}
    </div>
  );
}

/** Owners only: the organization's "two-factor required for owners" setting. */
async function OwnerSecuritySection({ organizationId, userId }: { organizationId: string; userId: string }) {
  const [security, viewerHasTwoFactor] = await Promise.all([getOrganizationSecurity(organizationId), hasTwoFactor(userId)]);
  return (
    <Section id="owner-security-heading" title="Security">
      <OwnerTwoFactorSetting required={security.requireOwnerTwoFactor} viewerHasTwoFactor={viewerHasTwoFactor} />
    </Section>
  );
}
