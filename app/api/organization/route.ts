import { z } from "zod";
import { requestOrigin } from "@/lib/audit/record";
import { getEnv } from "@/lib/env";
import { HttpError } from "@/lib/http/errors";
import { apiRoute } from "@/lib/http/route";
import { requestOrganizationDeletion } from "@/lib/organizations/deletion";

export const dynamic = "force-dynamic";

/**
 * Deletes the organization (owners only; `{confirm}` must be its slug): it is gone for
 * members and API keys at once, and erased after ORGANIZATION_DELETION_GRACE_DAYS.
 */
export const DELETE = apiRoute({ access: "manager", body: z.object({ confirm: z.string().max(200) }) }, async ({ request, actor, body }) => {
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
