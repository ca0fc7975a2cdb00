import { prisma as sharedPrisma } from "@/lib/db";
import type { DbClient } from "@/lib/database/db-types";

/** Something whose page lives under one organization's URL: an endpoint (`ep_…`) or a delivery (`msg_…`). */
export interface OrganizationResource {
  kind: "endpoint" | "delivery";
  id: string;
}

/** The organization a resource was found in: enough to name it and link to its page. */
export interface ResourceOrganization {
  id: string;
  name: string;
  slug: string;
}

export interface FindResourceOrganizationOptions {
  /** The signed-in user, from the session. */
  userId: string;
  resource: OrganizationResource;
  prisma?: DbClient;
}

/**
 * Which of the user's organizations holds this endpoint or delivery, for a 404 page that
 * offers "switch organization?". Null when none of them does: the id does not exist, or it
 * belongs to an organization the user is not a member of (or one scheduled for deletion).
 * The membership is part of the query itself, so the answer for an organization the user
 * does not belong to is the same null as for an id that never existed.
 */
export async function findResourceOrganization({ userId, resource, prisma = sharedPrisma }: FindResourceOrganizationOptions): Promise<ResourceOrganization | null> {
  const organization = { deletionScheduledAt: null, members: { some: { userId } } };
  const select = { organization: { select: { id: true, name: true, slug: true } } } as const;
  const row =
    resource.kind === "endpoint"
      ? await prisma.webhookEndpoint.findFirst({ where: { id: resource.id, organization }, select })
      : await prisma.webhookDelivery.findFirst({ where: { id: resource.id, organization }, select });
  return row ? row.organization : null;
}

/**
 * Whether the endpoint or delivery belongs to this organization (`organizationId` from the
 * viewer's membership). One indexed lookup, for a page that must answer 404 before it
 * starts streaming its loading placeholder.
 */
export async function isOrganizationResource(organizationId: string, resource: OrganizationResource, prisma: DbClient = sharedPrisma): Promise<boolean> {
  const where = { id: resource.id, organizationId };
  const row =
    resource.kind === "endpoint"
      ? await prisma.webhookEndpoint.findFirst({ where, select: { id: true } })
      : await prisma.webhookDelivery.findFirst({ where, select: { id: true } });
  return row !== null;
}
