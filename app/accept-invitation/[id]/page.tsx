import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { Alert } from "@/app/_components/alert";
import { AuthCard, textLinkClassName } from "@/app/_components/auth-card";
import { buttonClassName } from "@/app/_components/button";
import { orgPath } from "@/app/_components/org-paths";
import { withNext } from "@/app/_components/safe-next";
import { ResendVerificationButton } from "@/app/_components/resend-verification-button";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { DateTime } from "@/app/_components/time";
import { homePath } from "@/lib/auth/page";
import { getViewer } from "@/lib/auth/session";
import { findInvitation } from "@/lib/organizations/invitations";
import { isMember } from "@/lib/organizations/members";
import { AcceptInvitationButton } from "@/app/_components/accept-invitation-button";

export const metadata: Metadata = { title: "Invitation" };

/** "max@acme.example" → "m••@acme.example": enough for the invitee to recognise, little for anyone else holding the link. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "•••";
  return `${email[0]}••@${email.slice(at + 1)}`;
}

/** A server component renders once per request, so reading the clock here is safe (kept outside render for the purity lint). */
function isPast(date: Date): boolean {
  return date.getTime() <= Date.now();
}

function Message({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <AuthCard title={title}>
      <div className="space-y-4 text-sm text-slate-700">{children}</div>
      {actions ? <div className="mt-6 flex flex-wrap gap-3">{actions}</div> : null}
    </AuthCard>
  );
}

/**
 * The page an invitation link opens. Anyone holding the link sees which
 * organization invited them and with which role; only the signed-in user
 * whose email the invitation was sent to, and who verified that address, can
 * accept it (better-auth checks both again): anyone can sign up with any address.
 */
export default async function AcceptInvitationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const here = `/accept-invitation/${encodeURIComponent(id)}`;
  const [viewer, invitation] = await Promise.all([getViewer(await headers()), findInvitation(id)]);
  const home = viewer ? await homePath(viewer.userId) : "/sign-in";
  const homeLabel = viewer ? "Go to your organizations" : "Sign in";

  if (!invitation) {
    return (
      <Message
        title="Invitation not found"
        actions={
          <Link href={home} className={buttonClassName({ variant: "secondary" })}>
            {homeLabel}
          </Link>
        }
      >
        <p>This invitation link is not valid. Check that you copied the whole link, or ask the person who invited you to send a new one.</p>
      </Message>
    );
  }

  const organization = invitation.organization;
  const role = invitation.role ?? "member";
  const alreadyMember = viewer ? await isMember(organization.id, viewer.userId) : false;

  if (viewer && alreadyMember) {
    return (
      <Message
        title={`You're a member of ${organization.name}`}
        actions={
          <Link href={orgPath(organization.slug)} prefetch={false} className={buttonClassName()}>
            Open {organization.name}
          </Link>
        }
      >
        <p>You already belong to this organization, so there is nothing to accept.</p>
      </Message>
    );
  }

  if (invitation.status === "accepted") {
    return (
      <Message
        title="Invitation already used"
        actions={
          <Link href={home} className={buttonClassName({ variant: "secondary" })}>
            {homeLabel}
          </Link>
        }
      >
        <p>
          This invitation to <strong>{organization.name}</strong> has already been accepted. If you need access, ask {invitation.inviter.name} for a new
          invitation.
        </p>
      </Message>
    );
  }

  if (invitation.status !== "pending") {
    return (
      <Message
        title={invitation.status === "rejected" ? "Invitation declined" : "Invitation cancelled"}
        actions={
          <Link href={home} className={buttonClassName({ variant: "secondary" })}>
            {homeLabel}
          </Link>
        }
      >
        <p>
          This invitation to <strong>{organization.name}</strong> is no longer valid. Ask {invitation.inviter.name} or another admin to invite you again.
        </p>
      </Message>
    );
  }

  if (isPast(invitation.expiresAt)) {
    return (
      <Message
        title="Invitation expired"
        actions={
          <Link href={home} className={buttonClassName({ variant: "secondary" })}>
            {homeLabel}
          </Link>
        }
      >
        <p>
          This invitation to <strong>{organization.name}</strong> expired on <DateTime value={invitation.expiresAt} />. Ask {invitation.inviter.name} to
          send you a new one.
        </p>
      </Message>
    );
  }

  const summary = (
    <p>
      {invitation.inviter.name} invited you to join <strong>{organization.name}</strong> as <strong>{role}</strong>. The invitation expires on{" "}
      <DateTime value={invitation.expiresAt} />.
    </p>
  );

  if (!viewer) {
    return (
      <Message
        title={`Join ${organization.name}`}
        actions={
          <>
            <Link href={withNext("/sign-in", here)} className={buttonClassName()}>
              Sign in to accept
            </Link>
            <Link href={withNext("/sign-up", here)} className={buttonClassName({ variant: "secondary" })}>
              Create an account
            </Link>
          </>
        }
      >
        {summary}
        <p>
          Sign in, or create an account, with the address the invitation was sent to (<span className="font-medium">{maskEmail(invitation.email)}</span>).
          You&apos;ll come back here to accept.
        </p>
      </Message>
    );
  }

  if (viewer.email.toLowerCase() !== invitation.email.toLowerCase()) {
    return (
      <Message title="This invitation is for someone else" actions={<SignOutButton variant="secondary" size="md" redirectTo={withNext("/sign-in", here)} />}>
        {summary}
        <Alert tone="warning">
          It was sent to <span className="font-medium">{maskEmail(invitation.email)}</span>, but you are signed in as{" "}
          <span className="font-medium">{viewer.email}</span>. Sign out and sign in with the invited address to accept it.
        </Alert>
        <p>
          <Link href={home} className={textLinkClassName}>
            {homeLabel}
          </Link>
        </p>
      </Message>
    );
  }

  if (!viewer.emailVerified) {
    return (
      <Message title="Verify your email first">
        {summary}
        <Alert tone="warning">
          To accept, confirm that <span className="font-medium">{viewer.email}</span> is yours: open the link in the verification email we sent
          when you signed up, then come back here. A new one sent from here brings you straight back.
        </Alert>
        <ResendVerificationButton email={viewer.email} callbackPath={here} />
      </Message>
    );
  }

  return (
    <Message title={`Join ${organization.name}`}>
      {summary}
      <p>
        You&apos;ll join as <span className="font-medium">{viewer.email}</span>.
      </p>
      <div className="pt-2">
        <AcceptInvitationButton invitationId={id} organizationName={organization.name} organizationSlug={organization.slug} />
      </div>
    </Message>
  );
}
