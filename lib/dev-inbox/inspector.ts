import { getViewer } from "@/lib/auth/session";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { isDevelopmentStart } from "@/lib/run-mode";
import { findInboxForMember, inboxUrl, listInboxes, listInboxRequests, type InboxRequestView, type InboxView } from "./inbox";

export type InspectorResult =
  | { kind: "not_found" }
  | { kind: "sign_in" }
  | { kind: "ok"; inbox: InboxView; organizationSlug: string; receiverUrl: string; requests: InboxRequestView[]; inboxes: InboxView[] };

/**
 * What the inspector page and its JSON route show for `token`, for the viewer
 * signed in through `headers`: `not_found` outside a development start and for
 * a token that is unknown or belongs to an organization the viewer is not a
 * member of (the two look the same); `sign_in` when nobody is signed in;
 * otherwise the inbox, its requests (newest first, `seq > after` when given)
 * and the organization's other inboxes.
 */
export async function loadInspector(options: { token: string; headers: Headers; after?: number }): Promise<InspectorResult> {
  if (!isDevelopmentStart()) return { kind: "not_found" };
  const viewer = await getViewer(options.headers);
  if (!viewer) return { kind: "sign_in" };
  const inbox = await findInboxForMember({ token: options.token, userId: viewer.userId });
  if (!inbox) return { kind: "not_found" };
  const [requests, inboxes, organization] = await Promise.all([
    listInboxRequests({ inboxId: inbox.id, after: options.after }),
    listInboxes({ organizationId: inbox.organizationId }),
    prisma.organization.findUniqueOrThrow({ where: { id: inbox.organizationId }, select: { slug: true } }),
  ]);
  return { kind: "ok", inbox, organizationSlug: organization.slug, receiverUrl: inboxUrl(getEnv().appUrl, inbox.token), requests, inboxes };
}
