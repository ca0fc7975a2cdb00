import { z } from "zod";
import { withAudit } from "@/lib/audit/route";
import { apiRoute, schemas } from "@/lib/http/route";
import { revealEndpointSecret } from "@/lib/webhooks";

export const dynamic = "force-dynamic";

/** "Reveal": the current signing secret, for owners and admins only. */
export const GET = apiRoute({
  access: "manager",
  scope: "endpoints:write",
  params: z.object({ id: schemas.id("ep") }),
  summary: "Reveal the signing secret",
  description: "The current shared secret of an `hmac` endpoint. Audited in the same transaction: no reveal without an entry.",
  responses: { 200: z.object({ secret: z.string().regex(/^whsec_/) }) },
  errors: {
    409: "`no_shared_secret`: an `ed25519` endpoint, whose private key never leaves the platform (its public key: GET …/public-key); `signing_key_missing`: the secret's encryption key is not in WEBHOOK_ENCRYPTION_KEYS",
  },
}, async ({ request, actor, params }) => ({
  // Recorded in the same transaction: no reveal without an audit entry.
  secret: await withAudit(
    { request, actor },
    (tx) => revealEndpointSecret({ organizationId: actor.organizationId, endpointId: params.id, prisma: tx }),
    () => ({ action: "endpoint.secret_revealed", target: { type: "endpoint", id: params.id } }),
  ),
}));
