import { renderToStaticMarkup } from "react-dom/server";
import { endpointTabs, TabNav, WebhooksNav } from "@/app/orgs/[slug]/settings/webhooks/_components/tab-nav";

const PATH = "/orgs/acme/settings/webhooks/ep_01m8h0ck05fvkay8frqj9ykbkk";

/** Each link of the markup: its text, href and whether it is the current page. */
function links(markup: string): { text: string; href: string; current: boolean }[] {
  return [...markup.matchAll(/<a ([^>]*)>([^<]*)<\/a>/g)].map(([, attributes, text]) => ({
    text: text!,
    href: /href="([^"]*)"/.exec(attributes!)?.[1] ?? "",
    current: attributes!.includes('aria-current="page"'),
  }));
}

describe("endpoint sections", () => {
  it.each([
    [false, ["Overview", "Deliveries", "Settings"]],
    [true, ["Overview", "Deliveries", "Settings", "Signing secret", "Danger zone"]],
  ])("for a viewer who can manage: %p", (canManage, labels) => {
    const tabs = endpointTabs(PATH, canManage);
    expect(tabs.map((tab) => tab.label)).toEqual(labels);
    expect(tabs.every((tab) => tab.href === PATH || tab.href.startsWith(`${PATH}/`))).toBe(true);
  });

  it.each([
    [false, ["Overview", "Deliveries", "Settings", "Signing key"]],
    [true, ["Overview", "Deliveries", "Settings", "Signing key", "Danger zone"]],
  ])("an Ed25519 endpoint's signing key is for every member (its public key is not secret); can manage: %p", (canManage, labels) => {
    expect(endpointTabs(PATH, canManage, "ed25519").map((tab) => tab.label)).toEqual(labels);
  });

  it.each(["overview", "deliveries", "settings", "secret", "danger"] as const)("marks %s, and only it, as the current page", (current) => {
    const markup = renderToStaticMarkup(<TabNav label="Endpoint sections" tabs={endpointTabs(PATH, true)} current={current} />);
    expect(markup).toContain('<nav aria-label="Endpoint sections"');
    const expected = endpointTabs(PATH, true).find((tab) => tab.key === current)!;
    expect(links(markup).filter((link) => link.current)).toEqual([{ text: expected.label, href: expected.href, current: true }]);
  });
});

describe("webhooks area", () => {
  it("links the endpoints, the delivery-health dashboard and every delivery", () => {
    const markup = renderToStaticMarkup(<WebhooksNav base="/orgs/acme/settings/webhooks" current="health" />);
    expect(links(markup)).toEqual([
      { text: "Endpoints", href: "/orgs/acme/settings/webhooks", current: false },
      { text: "Delivery health", href: "/orgs/acme/settings/webhooks/health", current: true },
      { text: "All deliveries", href: "/orgs/acme/settings/webhooks/history", current: false },
    ]);
  });
});
