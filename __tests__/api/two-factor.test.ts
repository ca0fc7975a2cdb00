import { Secret, TOTP, URI } from "otpauth";
import * as apiKeys from "@/app/api/api-keys/route";
import * as organizationSecurity from "@/app/api/organization/security/route";
import { getAuth } from "@/lib/auth/server";
import { prisma } from "@/lib/db";
import { call, createOrganization, joinOrganization, PASSWORD, setupAuth, signUp, type TestUser } from "../helpers/auth";
import { setupTestDatabase } from "../helpers/database";

setupTestDatabase();
setupAuth();

const headers = (cookie: string) => new Headers({ cookie });

function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
}

/** A TOTP generator for the secret in better-auth's otpauth:// URI, as an authenticator app would build it. */
function authenticator(totpURI: string): TOTP {
  const parsed = URI.parse(totpURI);
  if (!(parsed instanceof TOTP)) throw new Error("not a TOTP URI");
  return parsed;
}

/** A code from a different secret: right shape, wrong value. */
const wrongCode = (real: string) => {
  const other = new TOTP({ secret: new Secret() }).generate();
  return other === real ? String((Number(real) + 1) % 1_000_000).padStart(6, "0") : other;
};

/** The password step of turning two-factor on: the otpauth:// URI and the recovery codes. */
async function startEnabling(user: TestUser, password = PASSWORD): Promise<{ totpURI: string; backupCodes: string[] }> {
  const result = await getAuth().api.enableTwoFactor({ body: { password }, headers: headers(user.cookie) });
  if (result.method !== "totp") throw new Error(`expected TOTP, got ${result.method}`);
  return result;
}

interface Enrolled {
  totp: TOTP;
  backupCodes: string[];
}

/**
 * Enables two-factor for `user` (password step, then a first code), as the
 * account page does. better-auth replaces the session when the first code
 * verifies; `user.cookie` follows, as the browser's would.
 */
async function enroll(user: TestUser): Promise<Enrolled> {
  const { totpURI, backupCodes } = await startEnabling(user);
  const totp = authenticator(totpURI);
  const response = await getAuth().api.verifyTOTP({ body: { code: totp.generate() }, headers: headers(user.cookie), asResponse: true });
  expect(response.status).toBe(200);
  user.cookie = cookieFrom(response) || user.cookie;
  expect((await sessionOf(user.cookie))?.user.id).toBe(user.userId);
  return { totp, backupCodes };
}

/** The password step of sign-in; returns its JSON and the cookies it set. */
async function signInWithPassword(email: string) {
  const response = await getAuth().api.signInEmail({ body: { email, password: PASSWORD }, asResponse: true });
  expect(response.status).toBe(200);
  return { body: (await response.json()) as Record<string, unknown>, cookie: cookieFrom(response) };
}

const sessionOf = (cookie: string) => getAuth().api.getSession({ headers: headers(cookie) });

describe("turning two-factor on", () => {
  it("needs the password, then a valid code from the authenticator", async () => {
    const user = await signUp("enable@2fa.example");
    await expect(startEnabling(user, "not the password")).rejects.toThrow();

    const { totpURI, backupCodes } = await startEnabling(user);
    expect(totpURI).toMatch(/^otpauth:\/\/totp\/Webhooks:/);
    expect(backupCodes.length).toBeGreaterThanOrEqual(8);
    // Not on until a first code verifies: a wrong one leaves it off.
    const totp = authenticator(totpURI);
    await expect(getAuth().api.verifyTOTP({ body: { code: wrongCode(totp.generate()) }, headers: headers(user.cookie) })).rejects.toThrow();
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).twoFactorEnabled).toBe(false);

    await getAuth().api.verifyTOTP({ body: { code: totp.generate() }, headers: headers(user.cookie) });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.userId } })).twoFactorEnabled).toBe(true);
    expect((await prisma.twoFactor.findFirstOrThrow({ where: { userId: user.userId } })).id).toMatch(/^tfa_/);
  });
});

describe("signing in with two-factor on", () => {
  let user: TestUser;
  let enrolled: Enrolled;

  beforeAll(async () => {
    user = await signUp("signin@2fa.example");
    enrolled = await enroll(user);
  });

  it("gives no session for the password alone, only a two-factor redirect", async () => {
    const { body, cookie } = await signInWithPassword(user.email);
    expect(body).toMatchObject({ twoFactorRedirect: true });
    expect(await sessionOf(cookie)).toBeNull();
  });

  it("gives a session for the password and a code", async () => {
    const { cookie } = await signInWithPassword(user.email);
    await expect(getAuth().api.verifyTOTP({ body: { code: wrongCode(enrolled.totp.generate()) }, headers: headers(cookie) })).rejects.toThrow();
    const response = await getAuth().api.verifyTOTP({ body: { code: enrolled.totp.generate() }, headers: headers(cookie), asResponse: true });
    expect(response.status).toBe(200);
    expect((await sessionOf(cookieFrom(response)))?.user.id).toBe(user.userId);
  });

  it("takes a recovery code instead of a code, once", async () => {
    const recovery = enrolled.backupCodes[0]!;
    const first = await signInWithPassword(user.email);
    const response = await getAuth().api.verifyBackupCode({ body: { code: recovery }, headers: headers(first.cookie), asResponse: true });
    expect(response.status).toBe(200);
    expect((await sessionOf(cookieFrom(response)))?.user.id).toBe(user.userId);

    const second = await signInWithPassword(user.email);
    const again = await getAuth().api.verifyBackupCode({ body: { code: recovery }, headers: headers(second.cookie), asResponse: true });
    expect(again.status).toBe(401);
    expect(await sessionOf(cookieFrom(again) || second.cookie)).toBeNull();
  });

  it("regenerating recovery codes retires the old ones", async () => {
    const { backupCodes } = await getAuth().api.generateBackupCodes({ body: { password: PASSWORD }, headers: headers(user.cookie) });
    expect(backupCodes).not.toContain(enrolled.backupCodes[1]);
    const { cookie } = await signInWithPassword(user.email);
    const old = await getAuth().api.verifyBackupCode({ body: { code: enrolled.backupCodes[1]! }, headers: headers(cookie), asResponse: true });
    expect(old.status).toBe(401);
    const fresh = await getAuth().api.verifyBackupCode({ body: { code: backupCodes[0]! }, headers: headers(cookie), asResponse: true });
    expect(fresh.status).toBe(200);
  });

  it("turning it off (with the password) makes the password enough again", async () => {
    const other = await signUp("disable@2fa.example");
    await enroll(other);
    await getAuth().api.disableTwoFactor({ body: { password: PASSWORD }, headers: headers(other.cookie) });
    const { body, cookie } = await signInWithPassword(other.email);
    expect(body.twoFactorRedirect).toBeUndefined();
    expect((await sessionOf(cookie))?.user.id).toBe(other.userId);
  });
});

describe("two-factor required for owners", () => {
  let owner: TestUser;
  let admin: TestUser;
  let organizationId: string;

  const setting = (user: TestUser, requireOwnerTwoFactor: boolean) =>
    call(organizationSecurity.PATCH as never, { method: "PATCH", user, org: organizationId, body: { requireOwnerTwoFactor } });

  beforeAll(async () => {
    owner = await signUp("owner@policy.example");
    admin = await signUp("admin@policy.example");
    organizationId = await createOrganization(owner, "Policy");
    await joinOrganization(admin, organizationId, "admin");
  });

  it("cannot be turned on by an owner without two-factor of their own", async () => {
    const response = await setting(owner, true);
    expect(response.status).toBe(403);
    expect(response.body.error).toBe("two_factor_required");
    expect((await call(organizationSecurity.GET as never, { user: owner, org: organizationId })).body).toEqual({ requireOwnerTwoFactor: false });
  });

  it("cannot be changed by an admin", async () => {
    await enroll(admin);
    const response = await setting(admin, true);
    expect(response.status).toBe(403);
    expect(response.body.error).toBe("forbidden");
  });

  it("blocks an owner without two-factor from manager routes, and not once it is on", async () => {
    // A second owner turns it on; the first has no two-factor yet.
    const secondOwner = await signUp("owner2@policy.example");
    await joinOrganization(secondOwner, organizationId, "owner");
    await enroll(secondOwner);
    expect((await setting(secondOwner, true)).body).toEqual({ requireOwnerTwoFactor: true });

    const blocked = await call(apiKeys.GET as never, { user: owner, org: organizationId });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toBe("two_factor_required");
    // Admins and owners with two-factor go on working.
    expect((await call(apiKeys.GET as never, { user: admin, org: organizationId })).status).toBe(200);
    expect((await call(apiKeys.GET as never, { user: secondOwner, org: organizationId })).status).toBe(200);

    await enroll(owner);
    expect((await call(apiKeys.GET as never, { user: owner, org: organizationId })).status).toBe(200);
  });
});

describe("sessions", () => {
  it("revokeOtherSessions leaves only the current session", async () => {
    const user = await signUp("sessions@2fa.example");
    const second = await signInWithPassword(user.email);
    const third = await signInWithPassword(user.email);
    expect(await getAuth().api.listSessions({ headers: headers(user.cookie) })).toHaveLength(3);

    await getAuth().api.revokeOtherSessions({ headers: headers(third.cookie) });
    const left = await getAuth().api.listSessions({ headers: headers(third.cookie) });
    expect(left).toHaveLength(1);
    expect(await sessionOf(user.cookie)).toBeNull();
    expect(await sessionOf(second.cookie)).toBeNull();
    expect((await sessionOf(third.cookie))?.user.id).toBe(user.userId);
  });
});
