import { safeNextPath, withNext } from "@/app/_components/safe-next";

/** After sign-in the browser goes to safeNextPath(next): it must never leave this site. */
describe("safeNextPath", () => {
  test.each<[unknown, string | null]>([
    // Paths on this site are kept, normalised.
    ["/orgs/demo/settings/webhooks", "/orgs/demo/settings/webhooks"],
    ["/orgs/demo/settings/webhooks/history?status=failed#top", "/orgs/demo/settings/webhooks/history?status=failed#top"],
    ["/accept-invitation/inv_01abc", "/accept-invitation/inv_01abc"],
    ["/a/./b/../c", "/a/c"],
    [["/first", "/second"], "/first"],
    // Somewhere else, in every spelling that normalises to "//host" or is absolute.
    ["//evil.com", null],
    ["/\\evil.com", null],
    ["\\\\evil.com", null],
    ["/.//evil.com", null],
    ["/%2e//evil.com", null],
    ["/%2E//evil.com", null],
    ["/a/..//evil.com", null],
    ["/a/../..//evil.com/x?y", null],
    ["/././/evil.com", null],
    ["/%2f/evil.com", null],
    ["/%2F%2Fevil.com", null],
    ["/%5cx", null],
    ["/%5c%5cevil.com", null],
    ["/%E0%A4%A", null],
    ["/%5C/evil.com", null],
    ["https://evil.com", null],
    ["http:/evil.com", null],
    ["evil.com", null],
    ["javascript:alert(1)", null],
    ["/\t/evil.com", null],
    ["/\n/evil.com", null],
    ["/\r\n/evil.com", null],
    ["\t//evil.com", null],
    [" /orgs", null],
    // API routes are never a landing page.
    ["/api/webhooks/endpoints", null],
    ["/a/../api/auth/sign-out", null],
    // Not a path at all.
    ["", null],
    [undefined, null],
    [42, null],
    ["/" + "a".repeat(2000), null],
  ])("%j → %j", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });
});

describe("withNext", () => {
  it("encodes next as one query parameter", () => {
    expect(withNext("/sign-in", "/orgs/demo/settings/webhooks/history?status=failed&x=1")).toBe(
      "/sign-in?next=%2Forgs%2Fdemo%2Fsettings%2Fwebhooks%2Fhistory%3Fstatus%3Dfailed%26x%3D1",
    );
    expect(withNext("/sign-in", null)).toBe("/sign-in");
  });
});
