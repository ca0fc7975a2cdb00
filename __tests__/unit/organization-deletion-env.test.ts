import { parseEnv } from "@/lib/env";

describe("ORGANIZATION_DELETION_GRACE_DAYS", () => {
  it("defaults to 7 days", () => {
    expect(parseEnv({}).organizationDeletionGraceDays).toBe(7);
  });

  it.each([
    ["0", 0],
    ["30", 30],
    [" 14 ", 14],
  ])("reads %j as %d", (value, days) => {
    expect(parseEnv({ ORGANIZATION_DELETION_GRACE_DAYS: value }).organizationDeletionGraceDays).toBe(days);
  });

  it.each(["-1", "abc", "1.5", "366"])("refuses %j with a line naming the variable", (value) => {
    expect(() => parseEnv({ ORGANIZATION_DELETION_GRACE_DAYS: value })).toThrow(/ORGANIZATION_DELETION_GRACE_DAYS/);
  });
});
