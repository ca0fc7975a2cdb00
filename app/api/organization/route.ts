import { z } from "zod";
import { requestOrigin } from "@/lib/audit/record";
import { getEnv } from "@/lib/env";
import { HttpError } from "@/lib/http/errors";
import { apiRoute } from "@/lib/http/route";
import { requestOrganizationDeletion } from "@/lib/organizations/deletion";
import { isoDateTime } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

/**
 * Deletes the organization (owners only; `{confirm}` must be its slug): it is gone for
 * members and API keys at once, and erased after ORGANIZATION_DELETION_GRACE_DAYS.
 */
export const DELETE = apiRoute({
  access: "manager",
  body: z.object({ confirm: z.string().max(200) }),
  summary: "Delete the organization",
  description: "Owners only; `confirm` must be the organization's slug. It is gone for members and API keys at once, and erased after ORGANIZATION_DELETION_GRACE_DAYS.",
  responses: { 200: z.object({ deleted: z.literal(true), eraseAfter: isoDateTime.describe("When its data is erased") }) },
  errors: { 403: "`forbidden`: an admin (only owners may delete it)", 422: "`invalid_input`: `confirm` is not the organization's slug" },
}, async ({ request, actor, body }) => {
  if (actor.role !== "owner") throw new HttpError(403, "forbidden", "Only owners can delete the organization");
  const { eraseAfter } = await requestOrganizationDeletion({
    organizationId: actor.organizationId,
    confirmSlug: body.confirm,
    actor: { userId: actor.userId },
    graceDays: getEnv().organizationDeletionGraceDays,
    ...requestOrigin(request.headers),
  });
  return { deleted: true, eraseAfter };
});
