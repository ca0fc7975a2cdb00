import { apiRoute, seesFullUrls } from "@/lib/http/route";
import { listDeliveries } from "@/lib/webhooks/history";
import { historyFilterQuery } from "@/lib/webhooks/history-filters";

export const dynamic = "force-dynamic";

/**
 * The organization's deliveries, newest first, filtered (`status` takes the derived outcomes),
 * with `nextCursor` (older), `prevCursor` (newer) and the capped `count`; 400 naming the issue
 * for a bad filter or a cursor this API did not hand out.
 */
export const GET = apiRoute({ access: "member", scope: "deliveries:read", query: historyFilterQuery }, async ({ actor, query }) =>
  listDeliveries({ organizationId: actor.organizationId, ...query, maskUrls: !seesFullUrls(actor) }),
);
