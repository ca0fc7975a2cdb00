import { PageSkeleton } from "@/app/_components/page-skeleton";

/** While the audit log loads: its table. */
export default function Loading() {
  return <PageSkeleton label="Loading the audit log…" blocks={["table"]} />;
}
