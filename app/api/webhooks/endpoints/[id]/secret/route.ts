import { z } from "zod";
import { withAudit } from "@/lib/audit/route";
import { apiRoute, schemas } from "@/lib/http/route";
import { revealEndpointSecret } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

/** "Reveal": the current signing secret, for owners and admins only. */
export const GET = apiRoute({ access: "manager", scope: "endpoints:write", params: z.object({ id: schemas.id("ep") }) }, async ({ request, actor, params }) => ({
  // Recorded in the same transaction: no reveal without an audit entry.
  secret: await withAudit(
    { request, actor },
    (tx) => revealEndpointSecret({ organizationId: actor.organizationId, endpointId: params.id, prisma: tx }),
    () => ({ action: "endpoint.secret_revealed", target: { type: "endpoint", id: params.id } }),
  ),
}));
