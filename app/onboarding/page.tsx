import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/app/_components/auth-card";
import { Badge } from "@/app/_components/badge";
import { buttonClassName } from "@/app/_components/button";
import { orgPath } from "@/app/_components/org-paths";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { Alert } from "@/app/_components/alert";
import { ResendVerificationButton } from "@/app/_components/resend-verification-button";
import { AcceptInvitationButton } from "@/app/_components/accept-invitation-button";
import { homeOrganization } from "@/lib/auth/membership";
import { requireViewer } from "@/lib/auth/page";
import { listInvitationsFor } from "@/lib/organizations/invitations";
import { listMemberships } from "@/lib/organizations/members";
import { CreateOrganizationForm } from "./create-organization-form";

export const metadata: Metadata = { title: "Create your organization" };

/**
 * After sign-up (where a user without an organization lands), and from the
 * organization switcher's "New organization": join an organization the viewer
 * was invited to, open one they already belong to, or create a new one.
 */
export default async function OnboardingPage() {
  const viewer = await requireViewer();
  const [memberships, home] = await Promise.all([listMemberships(viewer.userId), homeOrganization(viewer.userId)]);
  // Only a verified address proves the invitations are this viewer's: anyone can sign up with any address.
  const invitations = !viewer.emailVerified
    ? []
    : await listInvitationsFor({ email: viewer.email, excludeOrganizationIds: memberships.map((membership) => membership.organization.id) });

  return (
    <AuthCard
      wide
      title="Create your organization"
      description="An organization holds your webhook endpoints, API keys and members. You can invite your team once it exists."
      footer={
        <span className="inline-flex flex-wrap items-center justify-center gap-2">
          Signed in as <span className="font-medium text-slate-800">{viewer.email}</span>
          <SignOutButton />
        </span>
      }
    >
      {!viewer.emailVerified ? (
        <div className="mb-8 space-y-3">
          <Alert tone="info" title="Verify your email address">
            We sent a link to <span className="font-medium">{viewer.email}</span>. Open it to confirm the address is yours; invitations to
            organizations show up here once it is verified.
          </Alert>
          <ResendVerificationButton email={viewer.email} callbackPath="/onboarding" size="sm" />
        </div>
      ) : null}

      {invitations.length > 0 ? (
        <section aria-labelledby="invitations-heading" className="mb-8 rounded-md border border-indigo-200 bg-indigo-50 p-4">
          <h2 id="invitations-heading" className="text-sm font-semibold text-indigo-900">
            {invitations.length === 1 ? "You have an invitation" : "You have invitations"}
          </h2>
          <ul className="mt-3 space-y-4">
            {invitations.map((invitation) => (
              <li key={invitation.id} className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
                <p className="text-sm text-slate-800">
                  <span className="font-semibold">{invitation.organization.name}</span>
                  <span className="text-slate-600">
                    {" "}
                    — {invitation.inviter.name} invited you as <span className="font-medium">{invitation.role ?? "member"}</span>
                  </span>
                </p>
                <div className="shrink-0">
                  <AcceptInvitationButton
                    size="sm"
                    invitationId={invitation.id}
                    organizationName={invitation.organization.name}
                    organizationSlug={invitation.organization.slug}
                  />
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {memberships.length > 0 ? (
        <section aria-labelledby="memberships-heading" className="mb-8">
          <h2 id="memberships-heading" className="text-sm font-semibold text-slate-900">
            Your organizations
          </h2>
          <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200">
            {memberships.map(({ role, organization }) => (
              <li key={organization.id} className="flex items-center justify-between gap-3 px-3 py-2">
                <span className="flex min-w-0 items-center gap-2 text-sm">
                  <span className="truncate font-medium text-slate-800">{organization.name}</span>
                  <Badge tone="indigo" className="capitalize">
                    {role}
                  </Badge>
                  {organization.id === home?.id ? <span className="text-xs text-slate-500">(last used)</span> : null}
                </span>
                <Link href={orgPath(organization.slug)} prefetch={false} className={buttonClassName({ variant: "secondary", size: "sm" })}>
                  Open<span className="sr-only"> {organization.name}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {memberships.length > 0 || invitations.length > 0 ? (
        <h2 className="mb-4 text-sm font-semibold text-slate-900">Or create a new organization</h2>
      ) : null}
      <CreateOrganizationForm />
    </AuthCard>
  );
}
