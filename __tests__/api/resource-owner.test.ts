import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { findResourceOrganization, isOrganizationResource, type OrganizationResource } from "@/lib/organizations/resource-owner";
import { sendWebhookNotification } from "@/lib/webhooks";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";

/**
 * "Switch organization?" on a 404 asks which of the viewer's organizations holds an endpoint
 * or delivery id. It must find the viewer's own, and answer an organization they do not
 * belong to exactly like an id that does not exist.
 */
setupTestDatabase();
allowLoopbackDelivery();

async function makeUser(name: string) {
  return prisma.user.create({ data: { id: newId("user"), name, email: `${name.toLowerCase()}-${newId("user").slice(-6)}@example.com` } });
}

async function addMember(userId: string, organizationId: string, role = "member") {
  await prisma.member.create({ data: { id: newId("mem"), organizationId, userId, role } });
}

/** An organization with one endpoint and one delivery to it. */
async function organizationWithDelivery(name: string) {
  const organization = await makeOrganization(name);
  const { endpoint } = await makeEndpoint({ organizationId: organization.id, url: `http://127.0.0.1:9/${name.toLowerCase()}` });
  const { deliveries } = await sendWebhookNotification(organization.id, "order.created", `${name}-1`, { name });
  return { organization, endpointId: endpoint.id, deliveryId: deliveries[0]!.id };
}

let ada: { id: string };
let acme: Awaited<ReturnType<typeof organizationWithDelivery>>;
let globex: Awaited<ReturnType<typeof organizationWithDelivery>>;
let stranger: Awaited<ReturnType<typeof organizationWithDelivery>>;

beforeAll(async () => {
  ada = await makeUser("Ada");
  acme = await organizationWithDelivery("Acme");
  globex = await organizationWithDelivery("Globex");
  stranger = await organizationWithDelivery("Stranger");
  await addMember(ada.id, acme.organization.id, "owner");
  await addMember(ada.id, globex.organization.id, "member");
  // Someone else is a member of the stranger organization, so it has members; Ada is not one of them.
  await addMember((await makeUser("Sam")).id, stranger.organization.id, "owner");
});

const find = (resource: OrganizationResource, userId = ada.id) => findResourceOrganization({ userId, resource });

describe("findResourceOrganization", () => {
  it.each(["endpoint", "delivery"] as const)("finds the organization of a %s in another organization the user belongs to", async (kind) => {
    const id = kind === "endpoint" ? globex.endpointId : globex.deliveryId;
    await expect(find({ kind, id })).resolves.toEqual({ id: globex.organization.id, name: "Globex", slug: globex.organization.slug });
  });

  it.each(["endpoint", "delivery"] as const)("answers null for a %s of an organization the user is not a member of, as for one that never existed", async (kind) => {
    const id = kind === "endpoint" ? stranger.endpointId : stranger.deliveryId;
    const missing = kind === "endpoint" ? newId("ep") : newId("msg");
    await expect(find({ kind, id })).resolves.toBeNull();
    await expect(find({ kind, id: missing })).resolves.toBeNull();
  });

  it("looks an id up only as the kind asked for", async () => {
    await expect(find({ kind: "delivery", id: acme.endpointId })).resolves.toBeNull();
    await expect(find({ kind: "endpoint", id: acme.deliveryId })).resolves.toBeNull();
  });

  it("forgets an organization once the user leaves it, or once its deletion is scheduled", async () => {
    const leaver = await makeUser("Lee");
    await addMember(leaver.id, stranger.organization.id);
    await expect(find({ kind: "endpoint", id: stranger.endpointId }, leaver.id)).resolves.toMatchObject({ slug: stranger.organization.slug });
    await prisma.member.deleteMany({ where: { userId: leaver.id } });
    await expect(find({ kind: "endpoint", id: stranger.endpointId }, leaver.id)).resolves.toBeNull();

    await prisma.organization.update({ where: { id: globex.organization.id }, data: { deletionScheduledAt: new Date() } });
    try {
      await expect(find({ kind: "endpoint", id: globex.endpointId })).resolves.toBeNull();
    } finally {
      await prisma.organization.update({ where: { id: globex.organization.id }, data: { deletionScheduledAt: null } });
    }
  });

  it("gives only the organization's id, name and slug", async () => {
    const found = await find({ kind: "endpoint", id: acme.endpointId });
    expect(Object.keys(found ?? {}).sort()).toEqual(["id", "name", "slug"]);
  });
});

describe("isOrganizationResource", () => {
  it("says yes only for the organization's own endpoint or delivery", async () => {
    await expect(isOrganizationResource(acme.organization.id, { kind: "endpoint", id: acme.endpointId })).resolves.toBe(true);
    await expect(isOrganizationResource(acme.organization.id, { kind: "delivery", id: acme.deliveryId })).resolves.toBe(true);
    await expect(isOrganizationResource(acme.organization.id, { kind: "endpoint", id: globex.endpointId })).resolves.toBe(false);
    await expect(isOrganizationResource(acme.organization.id, { kind: "delivery", id: stranger.deliveryId })).resolves.toBe(false);
    await expect(isOrganizationResource(acme.organization.id, { kind: "delivery", id: acme.endpointId })).resolves.toBe(false);
  });
});
