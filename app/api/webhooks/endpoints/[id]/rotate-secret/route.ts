import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { endpointJson } from "@/lib/http/views";
import { rotateEndpointSecret, SECRET_ROTATION_GRACE_SECONDS } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

const body = z.object({ graceSeconds: z.number().int().min(0).max(7 * 24 * 60 * 60).optional() });

/** New secret in this response only; the previous one keeps signing until `previousSecretExpiresAt`. */
export const POST = apiRoute({ access: "manager", params: z.object({ id: schemas.id("ep") }), body }, async ({ actor, params, body }) => {
  const { endpoint, secret } = await rotateEndpointSecret({
    organizationId: actor.organizationId,
    endpointId: params.id,
    graceSeconds: body.graceSeconds ?? SECRET_ROTATION_GRACE_SECONDS,
  });
  return { endpoint: endpointJson(endpoint), secret };
});
