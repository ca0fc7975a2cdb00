import { SECRET_ROTATION_GRACE_MAX_SECONDS } from "@/lib/webhooks/endpoints";
import { z } from "zod";
import { withAudit } from "@/lib/audit/route";
import { apiRoute, schemas } from "@/lib/http/route";
import { endpointJson } from "@/lib/http/views";
import { rotateEndpointSecret, SECRET_ROTATION_GRACE_SECONDS } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

const body = z.object({ graceSeconds: z.number().int().min(0).max(SECRET_ROTATION_GRACE_MAX_SECONDS).optional() });

/** New secret in this response only; the previous one keeps signing until `previousSecretExpiresAt`. */
export const POST = apiRoute({ access: "manager", scope: "endpoints:write", params: z.object({ id: schemas.id("ep") }), body }, async ({ request, actor, params, body }) => {
  const graceSeconds = body.graceSeconds ?? SECRET_ROTATION_GRACE_SECONDS;
  const { endpoint, secret } = await withAudit(
    { request, actor },
    (tx) => rotateEndpointSecret({ organizationId: actor.organizationId, endpointId: params.id, graceSeconds, prisma: tx }),
    () => ({ action: "endpoint.secret_rotated", target: { type: "endpoint", id: params.id }, details: { graceSeconds } }),
  );
  return { endpoint: endpointJson(endpoint), secret };
});
