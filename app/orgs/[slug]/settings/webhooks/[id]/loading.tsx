import { PageSkeleton } from "@/app/_components/page-skeleton";

/** While one endpoint's page loads: a back link, its details, then the rest. */
export default function Loading() {
  return <PageSkeleton label="Loading the endpoint…" blocks={["back-link", "details", "form"]} />;
}
