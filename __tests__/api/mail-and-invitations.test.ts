import { getAuth } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { closeMailTransport } from "@/lib/mail/transport";
import { checkWebhookHealth } from "@/lib/webhooks/alerting";
import { createOrganization, joinOrganization, PASSWORD, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";
import { withEnv } from "../helpers/env";
import { makeEndpoint } from "../helpers/fixtures";
import { linkIn, startSmtpServer, type ReceivedMail, type SmtpCatcher } from "../helpers/smtp";

/**
 * Account mail through a real SMTP server (smtp-server on port 0, parsed with
 * mailparser): verification, invitations, password reset, alerts. And the
 * invitation takeover: an unverified account holding an invited address must
 * not be able to accept, even though anyone can sign up with any address.
 */
const APP_URL = "http://localhost:3000";
let smtp: SmtpCatcher;

beforeAll(async () => {
  smtp = await startSmtpServer();
});
withEnv(() => ({ SMTP_URL: smtp.url, MAIL_FROM: "Webhooks <no-reply@hooks.example>", APP_URL }));
const db = setupTestDatabase();
setupAuth();
afterAll(async () => {
  closeMailTransport();
  await smtp.close();
});

const headersOf = (user: TestUser) => new Headers({ cookie: user.cookie });
const mailTo = (address: string, subject: RegExp) => smtp.waitFor((mail) => mail.to.includes(address) && subject.test(mail.subject));

/** What a mail client does with a link: a GET, here straight into the auth handler. */
async function open(link: string): Promise<Response> {
  expect(link.startsWith(`${APP_URL}/`)).toBe(true);
  return getAuth().handler(new Request(link));
}

async function isVerified(email: string): Promise<boolean> {
  return (await prisma.user.findUniqueOrThrow({ where: { email }, select: { emailVerified: true } })).emailVerified;
}

function expectPlainMail(mail: ReceivedMail) {
  expect(mail.parsed.from?.text).toBe('"Webhooks" <no-reply@hooks.example>');
  expect(mail.text).toContain("Webhooks");
  expect(mail.html).toContain("Webhooks");
  // No tracking pixels, no redirector links: every link in the HTML is one the text shows too.
  expect(mail.html).not.toMatch(/<img/i);
  for (const [, href] of mail.html.matchAll(/href="([^"]+)"/g)) expect(mail.text).toContain(href!.replace(/&amp;/g, "&"));
}

async function invite(owner: TestUser, organizationId: string, email: string, role: "member" | "admin") {
  const invitation = await getAuth().api.createInvitation({ body: { email, role, organizationId }, headers: headersOf(owner) });
  return invitation!.id;
}

async function accept(user: TestUser, invitationId: string) {
  return getAuth().api.acceptInvitation({ body: { invitationId }, headers: headersOf(user), asResponse: true });
}

describe("verification mail", () => {
  it("is sent on sign-up, and its link verifies the address", async () => {
    await signUp("ann@mail.example", "Ann");
    const mail = await mailTo("ann@mail.example", /Verify your email/);
    expectPlainMail(mail);
    expect(mail.text).toContain("Hello Ann");
    expect(await isVerified("ann@mail.example")).toBe(false);

    const response = await open(linkIn(mail, `${APP_URL}/api/auth/verify-email?`));
    expect(response.status).toBe(302);
    expect(await isVerified("ann@mail.example")).toBe(true);
  });

  it("does not verify with a changed token", async () => {
    await signUp("bea@mail.example");
    const link = linkIn(await mailTo("bea@mail.example", /Verify/), `${APP_URL}/api/auth/verify-email?`);
    await open(link.replace(/token=([^&]{10})/, "token=$1x"));
    expect(await isVerified("bea@mail.example")).toBe(false);
  });
});

describe("invitations", () => {
  let owner: TestUser;
  let orgId: string;
  beforeAll(async () => {
    owner = await signUp("olga@acme.example", "Olga Owner");
    orgId = await createOrganization(owner, "Acme");
  });

  it("mails the invitee the accept link", async () => {
    const invitationId = await invite(owner, orgId, "ivy@acme.example", "member");
    const mail = await mailTo("ivy@acme.example", /invited you to Acme/);
    expectPlainMail(mail);
    expect(mail.text).toContain("Olga Owner invited you to join Acme on Webhooks as member");
    expect(linkIn(mail, `${APP_URL}/accept-invitation/`)).toBe(`${APP_URL}/accept-invitation/${invitationId}`);
  });

  it("refuses an account that signed up with the invited address but never verified it", async () => {
    const invitationId = await invite(owner, orgId, "victim@acme.example", "admin");
    const attacker = await signUp("victim@acme.example", "Mallory");

    const response = await accept(attacker, invitationId);
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe("EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION");
    expect(await prisma.member.count({ where: { organizationId: orgId, userId: attacker.userId } })).toBe(0);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitationId } })).status).toBe("pending");
    // Nor may it turn the invitation down for the real invitee.
    const rejected = await getAuth().api.rejectInvitation({ body: { invitationId }, headers: headersOf(attacker), asResponse: true });
    expect(rejected.status).toBe(403);
  });

  it("lets the invitee accept once the address is verified through the mailed link", async () => {
    const invitationId = await invite(owner, orgId, "max@acme.example", "member");
    const max = await signUp("max@acme.example", "Max");
    expect((await accept(max, invitationId)).status).toBe(403);

    await open(linkIn(await mailTo("max@acme.example", /Verify/), `${APP_URL}/api/auth/verify-email?`));
    const response = await accept(max, invitationId);
    expect(response.status).toBe(200);
    expect(await prisma.member.findFirst({ where: { organizationId: orgId, userId: max.userId }, select: { role: true } })).toEqual({ role: "member" });
  });

  it("shows a member no one's invitations; an admin still sees them", async () => {
    await invite(owner, orgId, "later@acme.example", "admin");
    const member = await signUp("mia@acme.example");
    await joinOrganization(member, orgId, "member");
    const admin = await signUp("adam@acme.example");
    await joinOrganization(admin, orgId, "admin");

    const get = (user: TestUser, path: string) => getAuth().handler(new Request(`${APP_URL}/api/auth/organization/${path}`, { headers: headersOf(user) }));
    const asMember = await get(member, `list-invitations?organizationId=${orgId}`);
    expect(asMember.status).toBe(403);
    expect(await asMember.text()).not.toContain("later@acme.example");
    const full = await get(member, `get-full-organization?organizationId=${orgId}`);
    expect(full.status).toBe(200);
    expect(((await full.json()) as { invitations: unknown[] }).invitations).toEqual([]);

    const asAdmin = await get(admin, `list-invitations?organizationId=${orgId}`);
    expect(asAdmin.status).toBe(200);
    expect(((await asAdmin.json()) as { email: string }[]).map((invitation) => invitation.email)).toContain("later@acme.example");
    const adminFull = await get(admin, `get-full-organization?organizationId=${orgId}`);
    expect(((await adminFull.json()) as { invitations: { email: string }[] }).invitations.map((invitation) => invitation.email)).toContain("later@acme.example");
  });
});

describe("password reset mail", () => {
  it("carries a link to the reset page whose token sets a new password, once", async () => {
    await signUp("rita@mail.example", "Rita");
    await getAuth().api.requestPasswordReset({ body: { email: "rita@mail.example" } });
    const mail = await mailTo("rita@mail.example", /Reset your Webhooks password/);
    expectPlainMail(mail);
    const link = new URL(linkIn(mail, `${APP_URL}/reset-password?token=`));
    const token = link.searchParams.get("token")!;

    await getAuth().api.resetPassword({ body: { token, newPassword: "a brand new password" } });
    const signIn = (password: string) => getAuth().api.signInEmail({ body: { email: "rita@mail.example", password }, asResponse: true });
    expect((await signIn(PASSWORD)).status).toBe(401);
    expect((await signIn("a brand new password")).status).toBe(200);
    await expect(getAuth().api.resetPassword({ body: { token, newPassword: "yet another password" } })).rejects.toMatchObject({ statusCode: 400 });
  });

  it("answers the same for an unknown address and sends nothing", async () => {
    const before = smtp.messages.length;
    const answer = await getAuth().api.requestPasswordReset({ body: { email: "nobody@mail.example" } });
    expect(answer).toMatchObject({ status: true });
    expect(smtp.messages.slice(before).filter((mail) => mail.to.includes("nobody@mail.example"))).toEqual([]);
  });
});

describe("alert mail", () => {
  it("reaches the organization's owners and admins, not its members", async () => {
    const owner = await signUp("oscar@alerts.example");
    const orgId = await createOrganization(owner, "Alerted");
    const admin = await signUp("ada@alerts.example");
    await joinOrganization(admin, orgId, "admin");
    const member = await signUp("mo@alerts.example");
    await joinOrganization(member, orgId, "member");
    const outsider = await signUp("out@elsewhere.example");
    await createOrganization(outsider, "Elsewhere");

    const { endpoint } = await makeEndpoint({ organizationId: orgId, url: "https://hooks.alerts.example/in" });
    await db.prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { status: "disabled", disabledAt: new Date(), disabledReason: "410 Gone" } });
    const before = smtp.messages.length;
    const { opened } = await checkWebhookHealth({ force: true });
    expect(opened.map((alert) => alert.kind)).toEqual(["endpoint_disabled"]);

    await mailTo("oscar@alerts.example", /hooks\.alerts\.example is disabled/);
    const mail = await mailTo("ada@alerts.example", /hooks\.alerts\.example is disabled/);
    expectPlainMail(mail);
    expect(mail.text).toContain("410 Gone");
    expect(linkIn(mail, `${APP_URL}/orgs/`)).toMatch(/^http:\/\/localhost:3000\/orgs\/alerted-[a-z0-9]+\/settings\/webhooks$/);
    const recipients = smtp.messages.slice(before).flatMap((received) => received.to);
    expect(recipients.sort()).toEqual(["ada@alerts.example", "oscar@alerts.example"]);
  });
});
