import { SECRET_ROTATION_GRACE_MAX_SECONDS } from "@/lib/webhooks/endpoints";
import { z } from "zod";
import { withAudit } from "@/lib/audit/route";
import { apiRoute, schemas } from "@/lib/http/route";
import { endpointJson } from "@/lib/http/views";
import { endpointResponse, publicKeyResponse } from "@/lib/http/response-schemas";
import { rotateEndpointCredential, SECRET_ROTATION_GRACE_SECONDS } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

const body = z.object({ graceSeconds: z.number().int().min(0).max(SECRET_ROTATION_GRACE_MAX_SECONDS).optional() });

/**
 * A new credential of the endpoint's scheme: an `hmac` endpoint's new secret is in this response
 * only; an `ed25519` endpoint gets a new key pair, its `publicKey` in the response. The previous
 * one keeps signing until `previousSecretExpiresAt`.
 */
export const POST = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  params: z.object({ id: schemas.id("ep") }),
  body,
  summary: "Rotate the signing credential",
  description: "A new credential of the endpoint's scheme: an `hmac` endpoint's new secret is in this answer only; an `ed25519` endpoint gets a new key pair, its `publicKey` here. The previous one keeps signing until `previousSecretExpiresAt` (`graceSeconds`, default 24 h; 0 stops it at once). Audited.",
  responses: {
    200: z.union([
      z.object({ endpoint: endpointResponse, secret: z.string().regex(/^whsec_/) }),
      z.object({ endpoint: endpointResponse, publicKey: publicKeyResponse.shape.publicKey }),
    ]),
  },
  errors: { 409: "`signing_key_missing`: the current secret's encryption key is not in WEBHOOK_ENCRYPTION_KEYS" },
}, async ({ request, actor, params, body }) => {
  const graceSeconds = body.graceSeconds ?? SECRET_ROTATION_GRACE_SECONDS;
  const rotated = await withAudit(
    { request, actor },
    (tx) => rotateEndpointCredential({ organizationId: actor.organizationId, endpointId: params.id, graceSeconds, prisma: tx }),
    ({ signatureScheme }) => ({ action: "endpoint.secret_rotated", target: { type: "endpoint", id: params.id }, details: { graceSeconds, signatureScheme } }),
  );
  const endpoint = endpointJson(rotated.endpoint);
  return rotated.signatureScheme === "hmac" ? { endpoint, secret: rotated.secret } : { endpoint, publicKey: rotated.publicKey };
});
