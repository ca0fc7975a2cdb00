import Link from "next/link";

export interface TabLink {
  key: string;
  href: string;
  label: string;
}

/**
 * A row of links between the views of one place (the webhooks area, an endpoint's
 * sections), the current one marked `aria-current="page"`. Plain links: they work
 * without JavaScript, and each view is its own URL to share or reload. They wrap
 * on narrow screens rather than scroll out of sight.
 */
export function TabNav({ label, tabs, current }: { label: string; tabs: readonly TabLink[]; current: string | null }) {
  return (
    <nav aria-label={label} className="border-b border-slate-200 pb-2">
      <ul className="flex flex-wrap gap-1">
        {tabs.map((tab) => {
          const selected = tab.key === current;
          return (
            <li key={tab.key}>
              <Link
                href={tab.href}
                aria-current={selected ? "page" : undefined}
                className={`block whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 ${
                  selected ? "bg-indigo-50 text-indigo-700 ring-1 ring-inset ring-indigo-200" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                }`}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** The webhooks area's views: the endpoints, the delivery-health dashboard, every delivery. */
export function WebhooksNav({ base, current }: { base: string; current: "endpoints" | "health" }) {
  return (
    <TabNav
      label="Webhooks"
      current={current}
      tabs={[
        { key: "endpoints", href: base, label: "Endpoints" },
        { key: "health", href: `${base}/health`, label: "Delivery health" },
        { key: "history", href: `${base}/history`, label: "All deliveries" },
      ]}
    />
  );
}

/** The sections of an endpoint's page, each its own URL below the endpoint's. */
export type EndpointTab = "overview" | "deliveries" | "settings" | "secret" | "danger";

/**
 * The sections a viewer may open, below the endpoint's page `path`: members read the
 * overview, the deliveries and the settings, and an Ed25519 endpoint's signing key (its
 * public key is not secret); owners and admins also see the signing secret and the danger zone.
 */
export function endpointTabs(path: string, canManage: boolean, signatureScheme: "hmac" | "ed25519" = "hmac"): (TabLink & { key: EndpointTab })[] {
  const tabs: (TabLink & { key: EndpointTab })[] = [
    { key: "overview", href: path, label: "Overview" },
    { key: "deliveries", href: `${path}/deliveries`, label: "Deliveries" },
    { key: "settings", href: `${path}/settings`, label: "Settings" },
  ];
  if (signatureScheme === "ed25519") tabs.push({ key: "secret", href: `${path}/secret`, label: "Signing key" });
  else if (canManage) tabs.push({ key: "secret", href: `${path}/secret`, label: "Signing secret" });
  if (canManage) tabs.push({ key: "danger", href: `${path}/danger`, label: "Danger zone" });
  return tabs;
}
