import { z } from "zod";
import { apiRoute, schemas } from "@/lib/http/route";
import { getEndpointPublicKey } from "@/lib/webhooks";
import { publicKeyResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

const query = z.object({ format: z.enum(["json", "pem"], { error: "must be json or pem" }).optional() });

/**
 * An `ed25519` endpoint's public key, for any member (it is not secret): JSON `{publicKey, pem}`,
 * or with `?format=pem` the PEM file itself, as a download. 409 `no_public_key` for an `hmac` endpoint.
 */
export const GET = apiRoute({
  access: "member",
  scope: "endpoints:read",
  params: z.object({ id: schemas.id("ep") }),
  query,
  summary: "An ed25519 endpoint's public key",
  description: "For receivers to verify `v1a` signatures. Not secret: any member. JSON, or with `?format=pem` the PEM file as a download.",
  responses: { 200: { description: "JSON `{publicKey, pem}`, or with `format=pem` the PEM file", json: publicKeyResponse, media: { "application/x-pem-file": "The SubjectPublicKeyInfo PEM (with format=pem)" } } },
  errors: { 409: "`no_public_key`: an `hmac` endpoint" },
}, async ({ actor, params, query }) => {
  const { endpointId, publicKey, pem } = await getEndpointPublicKey({ organizationId: actor.organizationId, endpointId: params.id });
  if (query.format !== "pem") return { publicKey, pem };
  return new Response(pem, {
    headers: {
      "Content-Type": "application/x-pem-file",
      "Content-Disposition": `attachment; filename="${endpointId}-public-key.pem"`,
      // A rotation replaces it: never serve a stale copy.
      "Cache-Control": "no-store",
    },
  });
});
