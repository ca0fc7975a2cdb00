"use client";

import { useParams } from "next/navigation";
import { ErrorView } from "@/app/_components/error-view";
import { orgPath } from "@/app/_components/org-paths";

/**
 * Error boundary of an organization's pages, inside the organization's header. Server errors
 * arrive without details in production (only a digest to find them in the logs); "Try again"
 * re-fetches the page from the server.
 */
export default function OrganizationError({ error, retry }: { error: unknown; retry: () => void }) {
  const { slug } = useParams<{ slug: string }>();
  return <ErrorView error={error} retry={retry} homeHref={orgPath(slug)} homeLabel="Go to webhooks" />;
}
