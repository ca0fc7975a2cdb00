import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { invitationMail, resetPasswordMail, verificationMail, type MailContent } from "@/lib/mail/templates";
import { sendMail } from "@/lib/mail/transport";

/**
 * The mails better-auth asks for (lib/auth/server.ts). A failed send is
 * logged, never thrown: an exception here would tell a caller whether an
 * address has an account (password reset), or fail an invitation that was
 * already stored (its link is on the members page too). Links carry tokens,
 * so they are never logged.
 */

async function deliver(kind: string, userId: string | undefined, to: string, content: MailContent): Promise<void> {
  try {
    await sendMail({ to, ...content });
  } catch (error) {
    logger.error({ mail: kind, userId, err: { message: (error as Error).message, code: (error as { code?: string }).code } }, "mail could not be sent");
  }
}

export async function sendVerificationEmail({ user, url }: { user: { id: string; email: string; name: string }; url: string }): Promise<void> {
  await deliver("verify-email", user.id, user.email, verificationMail({ name: user.name, url }));
}

/** better-auth's own link goes through its API and a redirect; ours opens the reset page directly. */
export async function sendResetPassword({ user, token }: { user: { id: string; email: string; name: string }; token: string }): Promise<void> {
  const url = `${getEnv().appUrl}/reset-password?token=${encodeURIComponent(token)}`;
  await deliver("reset-password", user.id, user.email, resetPasswordMail({ name: user.name, url }));
}

export async function sendInvitationEmail(data: {
  id: string;
  email: string;
  role: string;
  organization: { id: string; name: string };
  inviter: { user: { name: string } };
  invitation: { expiresAt: Date };
}): Promise<void> {
  logger.info({ organizationId: data.organization.id, invitationId: data.id }, "invitation created");
  const url = `${getEnv().appUrl}/accept-invitation/${encodeURIComponent(data.id)}`;
  await deliver(
    "invitation",
    undefined,
    data.email,
    invitationMail({ inviterName: data.inviter.user.name, organizationName: data.organization.name, role: data.role, url, expiresAt: new Date(data.invitation.expiresAt) }),
  );
}
