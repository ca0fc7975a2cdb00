import { resourcePage, resourcePageIn } from "@/app/_components/resource-path";

describe("resourcePage", () => {
  it.each([
    ["/orgs/acme/settings/webhooks/ep_123abc", { kind: "endpoint", id: "ep_123abc" }],
    ["/orgs/acme/settings/webhooks/ep_123abc?tab=attempts", { kind: "endpoint", id: "ep_123abc" }],
    ["/orgs/acme/settings/webhooks/history/msg_9Z-x", { kind: "delivery", id: "msg_9Z-x" }],
  ])("reads %s", (path, resource) => {
    expect(resourcePage(path)?.resource).toEqual(resource);
  });

  it.each([
    "/orgs/acme/settings/webhooks",
    "/orgs/acme/settings/webhooks/new",
    "/orgs/acme/settings/webhooks/history",
    "/orgs/acme/settings/webhooks/msg_123",
    "/orgs/acme/settings/webhooks/history/ep_123",
    "/orgs/acme/settings/webhooks/ep_123/extra",
    "/orgs/acme/settings/webhooks/ep_1%2F..",
    "/settings/webhooks/ep_123",
    "/docs/webhooks",
    "",
  ])("finds no resource in %s", (path) => {
    expect(resourcePage(path)).toBeNull();
  });

  it("puts the same page under another organization, without the query", () => {
    const page = resourcePage("/orgs/acme/settings/webhooks/history/msg_1?attemptsBefore=3")!;
    expect(resourcePageIn(page, "globex")).toBe("/orgs/globex/settings/webhooks/history/msg_1");
    expect(resourcePageIn(page, "a b")).toBe("/orgs/a%20b/settings/webhooks/history/msg_1");
  });
});
