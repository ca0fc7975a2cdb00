import Link from "next/link";
import { headers } from "next/headers";
import { Alert } from "@/app/_components/alert";
import { buttonClassName } from "@/app/_components/button";
import { NotFoundView } from "@/app/_components/not-found-view";
import { orgPath } from "@/app/_components/org-paths";
import { resourcePage, resourcePageIn } from "@/app/_components/resource-path";
import { getViewer } from "@/lib/auth/session";
import { PAGE_PATH_HEADER } from "@/lib/http/headers";
import { findResourceOrganization } from "@/lib/organizations/resource-owner";

/**
 * A 404 inside an organization (the layout's header stays). When the page shows an endpoint
 * or a delivery that belongs to another organization the viewer is a member of, it offers
 * the same page there; an id of an organization they do not belong to gets the plain page,
 * exactly like an id that does not exist.
 */
export default async function OrganizationNotFound() {
  const requestHeaders = await headers();
  // Set by proxy.ts from the request itself; it only picks what to look up, never what to show.
  const path = requestHeaders.get(PAGE_PATH_HEADER) ?? "";
  const rawSlug = /^\/orgs\/([^/?#]+)/.exec(path)?.[1];
  const slug = rawSlug ? safeDecode(rawSlug) : undefined;
  const page = resourcePage(path);
  const viewer = page ? await getViewer(requestHeaders) : null;
  const owner = page && viewer ? await findResourceOrganization({ userId: viewer.userId, resource: page.resource }) : null;
  const elsewhere = owner && page && owner.slug !== slug ? { ...owner, href: resourcePageIn(page, owner.slug) } : null;
  const noun = page?.resource.kind === "delivery" ? "delivery" : "endpoint";

  return (
    <NotFoundView homeHref={slug ? orgPath(slug) : "/"} homeLabel="Go to webhooks">
      {elsewhere ? (
        <Alert
          tone="info"
          className="mt-4"
          title="Switch organization?"
          actions={
            <Link href={elsewhere.href} className={buttonClassName({ size: "sm" })}>
              Open it in {elsewhere.name}
            </Link>
          }
        >
          <p>
            This {noun} belongs to <span className="font-medium">{elsewhere.name}</span>, another organization you are a member of.
          </p>
        </Alert>
      ) : null}
    </NotFoundView>
  );
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
