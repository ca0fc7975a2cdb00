import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { eraseDeletedOrganizations, requestOrganizationDeletion } from "@/lib/organizations/deletion";
import { sendWebhookNotification } from "@/lib/webhooks";
import { claimDueDeliveries } from "@/lib/webhooks/worker";
import { runRetentionIfDue } from "@/lib/webhooks/maintenance";
import { setupTestDatabase } from "../helpers/database";
import { allowLoopbackDelivery, makeEndpoint, makeOrganization } from "../helpers/fixtures";

const db = setupTestDatabase();
allowLoopbackDelivery();
beforeEach(() => db.truncate());

const DAY = 86_400_000;

/** An organization with a member, an invitation, an API key, an endpoint, events with deliveries and attempts, and audit entries. */
async function populated(name: string) {
  const org = await makeOrganization(name);
  const user = await prisma.user.create({ data: { id: newId("user"), name, email: `${name.toLowerCase()}-${org.id}@example.com` } });
  await prisma.member.create({ data: { id: newId("mem"), organizationId: org.id, userId: user.id, role: "owner" } });
  await prisma.invitation.create({ data: { id: newId("inv"), organizationId: org.id, email: "x@example.com", inviterId: user.id, expiresAt: new Date(Date.now() + DAY) } });
  await prisma.apiKey.create({ data: { id: newId("key"), organizationId: org.id, name: "k", prefix: "whk_x", hash: `hash-${org.id}` } });
  await prisma.user.update({ where: { id: user.id }, data: { lastOrganizationId: org.id } });
  const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "http://127.0.0.1:9/hook" });
  for (let index = 0; index < 3; index++) await sendWebhookNotification(org.id, "invoice.settled", `${name}-${index}`, {});
  const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { organizationId: org.id } });
  await prisma.webhookAttempt.create({
    data: { id: newId("att"), organizationId: org.id, deliveryId: delivery.id, endpointId: endpoint.id, number: 1, trigger: "scheduled", startedAt: new Date(), durationMs: 1, url: endpoint.url, requestHeaders: {}, success: false },
  });
  await prisma.auditLogEntry.create({ data: { id: newId("aud"), organizationId: org.id, actorType: "system", action: "api_key.created" } });
  return { org, user, endpoint };
}

async function rowsOf(organizationId: string) {
  const where = { organizationId };
  return {
    organization: await prisma.organization.count({ where: { id: organizationId } }),
    members: await prisma.member.count({ where }),
    invitations: await prisma.invitation.count({ where }),
    apiKeys: await prisma.apiKey.count({ where }),
    endpoints: await prisma.webhookEndpoint.count({ where }),
    events: await prisma.webhookEvent.count({ where }),
    deliveries: await prisma.webhookDelivery.count({ where }),
    attempts: await prisma.webhookAttempt.count({ where }),
    audit: await prisma.auditLogEntry.count({ where }),
  };
}

describe("a deleted organization's deliveries", () => {
  it("are never claimed, even when one is still pending", async () => {
    const doomed = await populated("Doomed");
    const kept = await populated("Kept");
    // As if a delivery were left pending (the request cancels them): the claim must still skip it.
    await prisma.organization.update({ where: { id: doomed.org.id }, data: { deletionScheduledAt: new Date() } });
    const claimed = await claimDueDeliveries(100, { now: () => new Date(Date.now() + 60_000) });
    expect(claimed.length).toBeGreaterThan(0);
    expect(new Set(claimed.map((lease) => lease.organizationId))).toEqual(new Set([kept.org.id]));
  });
});

describe("erasing a deleted organization", () => {
  it("waits for the grace period, then erases every row in batches and leaves other organizations alone", async () => {
    const doomed = await populated("Doomed");
    const kept = await populated("Kept");
    const requestedAt = new Date("2026-12-01T10:00:00Z");
    await requestOrganizationDeletion({ organizationId: doomed.org.id, confirmSlug: doomed.org.slug, actor: { userId: doomed.user.id }, graceDays: 7, now: () => requestedAt });
    const before = await rowsOf(doomed.org.id);

    expect(await eraseDeletedOrganizations({ graceDays: 7, now: () => new Date(requestedAt.getTime() + 7 * DAY - 1), batchSize: 2 })).toEqual([]);
    expect(await rowsOf(doomed.org.id)).toEqual(before);

    expect(await eraseDeletedOrganizations({ graceDays: 7, now: () => new Date(requestedAt.getTime() + 7 * DAY), batchSize: 2 })).toEqual([doomed.org.id]);
    expect(Object.values(await rowsOf(doomed.org.id)).every((count) => count === 0)).toBe(true);
    expect(await prisma.user.findUniqueOrThrow({ where: { id: doomed.user.id } })).toMatchObject({ lastOrganizationId: null });
    expect(await rowsOf(kept.org.id)).toMatchObject({ organization: 1, members: 1, endpoints: 1, events: 3, deliveries: 3, attempts: 1, audit: 1 });
  });

  it("is part of the hourly maintenance job, with ORGANIZATION_DELETION_GRACE_DAYS (default 7)", async () => {
    const doomed = await populated("Doomed");
    const requestedAt = new Date("2026-12-01T10:00:00Z");
    await prisma.organization.update({ where: { id: doomed.org.id }, data: { deletionScheduledAt: requestedAt } });
    await runRetentionIfDue({ now: () => new Date(requestedAt.getTime() + 6 * DAY), force: true });
    expect(await prisma.organization.count({ where: { id: doomed.org.id } })).toBe(1);
    const result = await runRetentionIfDue({ now: () => new Date(requestedAt.getTime() + 7 * DAY + 1), force: true });
    expect(result).toMatchObject({ ran: true, erasedOrganizations: 1 });
    expect(await prisma.organization.count({ where: { id: doomed.org.id } })).toBe(0);
  });
});
