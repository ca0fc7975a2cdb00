import { opsAccessFor } from "@/app/ops/_components/access";
import { parseEnv } from "@/lib/env";

jest.mock("server-only", () => ({}));

const viewer = (email: string, emailVerified = true) => ({ userId: "user_1", email, name: "Someone", emailVerified });
const ADMINS = ["ops@example.com", "lead@example.com"];

describe("who may open /ops", () => {
  it.each<[string, Parameters<typeof opsAccessFor>[0], readonly string[], boolean, string]>([
    ["nobody configured", viewer("ops@example.com"), [], true, "unconfigured"],
    ["signed out", null, ADMINS, true, "signed_out"],
    ["a listed, verified admin", viewer("ops@example.com"), ADMINS, true, "allowed"],
    ["a listed admin in other letter case", viewer("Lead@Example.com"), ADMINS, true, "allowed"],
    ["someone else", viewer("member@example.com"), ADMINS, true, "forbidden"],
    ["a listed but unverified address in production (a sign-up squatting it)", viewer("ops@example.com", false), ADMINS, true, "forbidden"],
    ["a listed, unverified address in development", viewer("ops@example.com", false), ADMINS, false, "allowed"],
  ])("%s → %s", (_label, who, admins, production, expected) => {
    expect(opsAccessFor(who, admins, production)).toBe(expected);
  });
});

describe("PLATFORM_ADMIN_EMAILS", () => {
  it("is a lower-cased list", () => {
    expect(parseEnv({ PLATFORM_ADMIN_EMAILS: " Ops@Example.com, lead@example.com ," }).platformAdminEmails).toEqual(["ops@example.com", "lead@example.com"]);
  });
  it("refuses an entry that is not an address", () => {
    expect(() => parseEnv({ PLATFORM_ADMIN_EMAILS: "ops@example.com,not-an-email" })).toThrow(/PLATFORM_ADMIN_EMAILS has an entry that is not an email address/);
  });
});
