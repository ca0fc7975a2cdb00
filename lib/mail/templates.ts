/**
 * The mails the product sends: plain text plus simple HTML, named "Webhooks",
 * with no tracking pixels and no tracked links (every link is the plain URL).
 */

export const PRODUCT_NAME = "Webhooks";

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A paragraph per entry; `{ link }` entries become a button-like link with the URL spelled out under it. */
type Block = string | { link: string; label: string };

function render(subject: string, blocks: Block[]): MailContent {
  const text = [
    ...blocks.map((block) => (typeof block === "string" ? block : `${block.label}: ${block.link}`)),
    `— ${PRODUCT_NAME}`,
  ].join("\n\n");
  const body = blocks
    .map((block) =>
      typeof block === "string"
        ? `<p style="margin:0 0 16px">${escapeHtml(block)}</p>`
        : `<p style="margin:0 0 16px"><a href="${escapeHtml(block.link)}" style="display:inline-block;background:#4f46e5;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(block.label)}</a></p>` +
          `<p style="margin:0 0 16px;font-size:13px;color:#475569">Or open this link: <a href="${escapeHtml(block.link)}" style="color:#4338ca;word-break:break-all">${escapeHtml(block.link)}</a></p>`,
    )
    .join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f8fafc;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#0f172a;font-size:15px;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-size:13px;font-weight:600;letter-spacing:.05em;text-transform:uppercase;color:#4f46e5">${PRODUCT_NAME}</p>
${body}
</div>
</body></html>
`;
  return { subject, text, html };
}

export function verificationMail(options: { name: string; url: string }): MailContent {
  return render(`Verify your email address for ${PRODUCT_NAME}`, [
    `Hello ${options.name},`,
    `Confirm that this address is yours to finish setting up your ${PRODUCT_NAME} account. Until you do, you cannot accept invitations to organizations.`,
    { link: options.url, label: "Verify email address" },
    "The link works for one hour. If you did not create an account, ignore this mail.",
  ]);
}

export function invitationMail(options: { inviterName: string; organizationName: string; role: string; url: string; expiresAt: Date }): MailContent {
  return render(`${options.inviterName} invited you to ${options.organizationName} on ${PRODUCT_NAME}`, [
    `${options.inviterName} invited you to join ${options.organizationName} on ${PRODUCT_NAME} as ${options.role}.`,
    { link: options.url, label: "Open the invitation" },
    `Sign in, or create an account, with this email address, and verify it, to accept. The invitation expires on ${options.expiresAt.toUTCString()}.`,
    "If you did not expect this invitation, ignore this mail.",
  ]);
}

export function resetPasswordMail(options: { name: string; url: string }): MailContent {
  return render(`Reset your ${PRODUCT_NAME} password`, [
    `Hello ${options.name},`,
    `Someone asked to reset the password of your ${PRODUCT_NAME} account. Choose a new one here:`,
    { link: options.url, label: "Choose a new password" },
    "The link works for one hour, once. If you did not ask for this, ignore this mail: your password stays as it is.",
  ]);
}

export function alertMail(options: { organizationName: string; severity: string; message: string; url: string }): MailContent {
  return render(`[${PRODUCT_NAME}] ${options.severity === "critical" ? "Critical: " : ""}${options.message}`.slice(0, 200), [
    `An alert opened for ${options.organizationName}:`,
    options.message,
    { link: options.url, label: "Open the webhooks dashboard" },
    "You get this mail because you are an owner or admin of the organization.",
  ]);
}
