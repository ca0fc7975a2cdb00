import { PageSkeleton } from "@/app/_components/page-skeleton";

/** While one delivery's page loads: a back link, its details, then the rest. */
export default function Loading() {
  return <PageSkeleton label="Loading the delivery…" blocks={["back-link", "details", "table"]} />;
}
