import { PageSkeleton } from "@/app/_components/page-skeleton";

/** While the members page loads: the invitation form, then the members table. */
export default function Loading() {
  return <PageSkeleton label="Loading members…" blocks={["form", "table"]} />;
}
