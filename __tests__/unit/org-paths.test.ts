import { orgPath, pathInOrg, switchPath } from "@/app/_components/org-paths";

describe("organization paths", () => {
  it.each([
    ["acme", undefined, "/orgs/acme/settings/webhooks"],
    ["acme", "/settings/members", "/orgs/acme/settings/members"],
    ["a b/c", "/settings/api-keys", "/orgs/a%20b%2Fc/settings/api-keys"],
  ])("orgPath(%s, %s) is %s", (slug, path, expected) => {
    expect(orgPath(slug, path)).toBe(expected);
  });

  it.each([
    ["/orgs/acme/settings/webhooks/ep_1", "/settings/webhooks/ep_1"],
    ["/orgs/acme", ""],
    ["/settings/webhooks", null],
    ["/organizations/acme/settings", null],
  ])("pathInOrg(%s) is %s", (pathname, expected) => {
    expect(pathInOrg(pathname)).toBe(expected);
  });

  it.each([
    ["/orgs/acme/settings/members", "/orgs/globex/settings/members"],
    ["/orgs/acme/settings/webhooks/history", "/orgs/globex/settings/webhooks/history"],
    ["/orgs/acme/settings/webhooks/new", "/orgs/globex/settings/webhooks/new"],
    ["/orgs/acme/settings/webhooks/health", "/orgs/globex/settings/webhooks/health"],
    // A detail page's id belongs to the old organization: go to the list instead.
    ["/orgs/acme/settings/webhooks/ep_01m8h0ck05fvkay8frqj9ykbkk", "/orgs/globex/settings/webhooks"],
    ["/orgs/acme/settings/webhooks/history/msg_01m8h0ck05fvkay8frqj9ykbkk", "/orgs/globex/settings/webhooks"],
    ["/onboarding", "/orgs/globex/settings/webhooks"],
  ])("the switcher goes from %s to %s", (pathname, expected) => {
    expect(switchPath(pathname, "globex")).toBe(expected);
  });
});
