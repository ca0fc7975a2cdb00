import { PageSkeleton } from "@/app/_components/page-skeleton";

/** While the API keys page loads: the create-key form, then the keys table. */
export default function Loading() {
  return <PageSkeleton label="Loading API keys…" blocks={["form", "table"]} />;
}
