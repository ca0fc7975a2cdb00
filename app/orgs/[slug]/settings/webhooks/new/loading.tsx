import { PageSkeleton } from "@/app/_components/page-skeleton";

/** While the new-endpoint form loads: the form's shape. */
export default function Loading() {
  return <PageSkeleton label="Loading the new endpoint form…" blocks={["back-link", "form"]} />;
}
