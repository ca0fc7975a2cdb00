"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { ORG_SECTIONS, orgPath } from "./org-paths";

export interface NavItem {
  href: string;
  label: string;
}

/** The main navigation of organization `slug`'s pages. */
export function appNav(slug: string): NavItem[] {
  return [...ORG_SECTIONS.map((section) => ({ href: orgPath(slug, section.path), label: section.label })), { href: "/docs/webhooks", label: "Docs" }];
}

/** The item for `pathname`: the longest href that is the path or a parent of it ("History" wins over "Webhooks"). */
function activeHref(pathname: string, items: readonly NavItem[]): string | null {
  let best: string | null = null;
  for (const { href } of items) {
    if ((pathname === href || pathname.startsWith(`${href}/`)) && (!best || href.length > best.length)) best = href;
  }
  return best;
}

/** The main navigation of organization `slug`, marking the current section with aria-current="page". */
export function NavLinks({ slug }: { slug: string }) {
  const pathname = usePathname() ?? "";
  const items = appNav(slug);
  const active = activeHref(pathname, items);
  return (
    <ul className="flex gap-1 overflow-x-auto">
      {items.map((item) => {
        const current = item.href === active;
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={`-mb-px inline-block whitespace-nowrap border-b-2 px-3 py-3 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-600 ${
                current ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
              }`}
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
