import { apiRoute, seesFullUrls } from "@/lib/http/route";
import { listDeliveries } from "@/lib/webhooks/history";
import { historyFilterQuery } from "@/lib/webhooks/history-filters";
import { deliveryPageResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

/**
 * The organization's deliveries, newest first, filtered (`status` takes the derived outcomes),
 * with `nextCursor` (older), `prevCursor` (newer) and the capped `count`; 400 naming the issue
 * for a bad filter or a cursor this API did not hand out.
 */
export const GET = apiRoute({
  access: "member",
  scope: "deliveries:read",
  query: historyFilterQuery,
  summary: "The delivery history",
  description: "Newest first, filtered: `status` takes the derived outcomes; `eventType` an exact name or a prefix ending in `*` or `.`; `from`/`to` ISO 8601 (a date alone is that whole UTC day). `nextCursor` (older) and `prevCursor` (newer) go back as `cursor`; `count` is exact up to 10 000. URLs masked for members and read-only keys.",
  responses: { 200: deliveryPageResponse },
}, async ({ actor, query }) =>
  listDeliveries({ organizationId: actor.organizationId, ...query, maskUrls: !seesFullUrls(actor) }),
);
