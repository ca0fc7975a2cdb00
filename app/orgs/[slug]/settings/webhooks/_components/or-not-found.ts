import { notFound } from "next/navigation";
import { WebhookNotFoundError } from "@/lib/webhooks/errors";

/** Awaits a scoped lookup; an id outside the viewer's organization renders the 404 page. */
export async function orNotFound<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof WebhookNotFoundError) notFound();
    throw error;
  }
}
