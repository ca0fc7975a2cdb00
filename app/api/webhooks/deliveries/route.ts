import { apiRoute } from "@/lib/http/route";
import { listDeliveries } from "@/lib/webhooks/history";
import { historyFilterQuery } from "@/lib/webhooks/history-filters";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ access: "member", query: historyFilterQuery }, async ({ actor, query }) =>
  listDeliveries({ organizationId: actor.organizationId, ...query, maskUrls: actor.role === "member" }),
);
