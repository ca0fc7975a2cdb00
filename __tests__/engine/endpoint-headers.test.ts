import { prisma } from "@/lib/db";
import { createEndpoint, disableEndpoint, enableEndpoint, getEndpoint, sendWebhookNotification, updateEndpoint } from "@/lib/webhooks";
import { WebhookValidationError } from "@/lib/webhooks/errors";
import { HEADER_VALUE_MASK, sealHeaders } from "@/lib/webhooks/endpoint-headers";
import { redeliver, sendTestEvent } from "@/lib/webhooks/manual";
import { processDueDeliveries } from "@/lib/webhooks/worker";
import { reencryptSecrets, recheckBlockedSigning } from "@/lib/webhooks/stored-secrets";
import { getKeyRing, generateKeyRingEntry, parseKeyRing } from "@/lib/webhooks/secrets";
import { setupEngineTest } from "../helpers/engine";
import { makeOrganization } from "../helpers/fixtures";
import { respondWith } from "../helpers/receiver";

/**
 * Custom headers per endpoint, on the database under test: sent on every attempt (scheduled,
 * redelivered, test), sealed at rest, masked in the attempt log and in every view.
 */
const harness = setupEngineTest();

const HEADERS = { Authorization: "Bearer s3cret-gateway-token", "X-Tenant": "acme-42" };

describe("custom headers per endpoint", () => {
  it("are sent on scheduled, manual and test attempts, and kept only sealed and masked", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: receiver.url, headers: HEADERS });
    expect(endpoint.headerNames).toEqual(["Authorization", "X-Tenant"]);

    const { deliveries } = await sendWebhookNotification(org.id, "order.shipped", "ship-1", { orderId: "o_1" });
    expect(await processDueDeliveries()).toBe(1);
    await redeliver({ organizationId: org.id, deliveryId: deliveries[0]!.id });
    await sendTestEvent({ organizationId: org.id, endpointId: endpoint.id });

    expect(receiver.requests).toHaveLength(3);
    for (const request of receiver.requests) {
      expect(request.headers.authorization).toBe(HEADERS.Authorization);
      expect(request.headers["x-tenant"]).toBe(HEADERS["X-Tenant"]);
      // The platform's own headers are untouched beside them.
      expect(request.headers["webhook-signature"]).toMatch(/^v1,/);
      expect(request.headers["content-type"]).toBe("application/json");
    }

    // At rest: the values exist only inside the ciphertext; the attempt log masks them.
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.headersEncrypted).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain("s3cret");
    const attempts = await prisma.webhookAttempt.findMany({ where: { endpointId: endpoint.id } });
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      const logged = attempt.requestHeaders as Record<string, string>;
      expect(logged.Authorization).toBe(HEADER_VALUE_MASK);
      expect(logged["X-Tenant"]).toBe(HEADER_VALUE_MASK);
      expect(JSON.stringify(logged)).not.toContain("s3cret");
    }
    expect(JSON.stringify(await getEndpoint({ organizationId: org.id, endpointId: endpoint.id }))).not.toContain("s3cret");
  });

  it("changes one header, replaces or removes all, and refuses what would break the request", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: receiver.url, headers: HEADERS });
    const ref = { organizationId: org.id, endpointId: endpoint.id };

    const changed = await updateEndpoint({ ...ref, headerChanges: { set: { authorization: "Bearer rotated" }, remove: ["X-Tenant"] } });
    expect(changed.headerNames).toEqual(["authorization"]);
    await sendWebhookNotification(org.id, "order.shipped", "after-change", {});
    await processDueDeliveries();
    expect(receiver.requests.at(-1)!.headers.authorization).toBe("Bearer rotated");
    expect(receiver.requests.at(-1)!.headers["x-tenant"]).toBeUndefined();

    await expect(updateEndpoint({ ...ref, headerChanges: { set: { "Webhook-Id": "forged" } } })).rejects.toMatchObject({ code: "invalid_headers" });
    await expect(updateEndpoint({ ...ref, headers: {}, headerChanges: { remove: ["a"] } })).rejects.toBeInstanceOf(WebhookValidationError);
    await expect(createEndpoint({ organizationId: org.id, url: receiver.url, headers: { Host: "internal.example" } })).rejects.toMatchObject({ code: "invalid_headers" });
    // A refused change stores nothing.
    expect((await getEndpoint(ref)).headerNames).toEqual(["authorization"]);

    const cleared = await updateEndpoint({ ...ref, headers: {} });
    expect(cleared.headerNames).toEqual([]);
    expect((await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).headersEncrypted).toBeNull();
    await sendWebhookNotification(org.id, "order.shipped", "after-clear", {});
    await processDueDeliveries();
    expect(receiver.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it("wait, unsent, while no key opens them, and go out once the key is back; re-encryption covers them", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: receiver.url, headers: HEADERS });
    const original = getKeyRing();
    // Headers sealed under a key this process no longer has (the secret stays openable).
    const lost = parseKeyRing(generateKeyRingEntry("lost"));
    const sealed = sealHeaders(HEADERS, endpoint.id, lost);
    await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { headersEncrypted: sealed.headersEncrypted } });
    await sendWebhookNotification(org.id, "order.shipped", "held", {});
    await processDueDeliveries();
    expect(receiver.requests).toHaveLength(0);
    const held = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(held.signingBlockedAt).not.toBeNull();
    expect(held.signingBlockedKeyId).toBe("lost");
    expect((await prisma.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } })).attempts).toBe(0);
    await expect(sendTestEvent({ organizationId: org.id, endpointId: endpoint.id })).rejects.toMatchObject({ code: "signing_key_missing" });

    // The key comes back (both keys configured, the original first): the mark clears, the delivery goes.
    const both = { primary: original.primary, keys: new Map([...original.keys, ...lost.keys]) };
    expect(await recheckBlockedSigning({ ring: both })).toMatchObject({ cleared: 1 });
    expect(await reencryptSecrets({ ring: both })).toMatchObject({ updated: 1 });
    const resealed = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(resealed.headersEncrypted).toMatch(new RegExp(`^v1\\.${original.primary.id}\\.`));
    await processDueDeliveries();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers.authorization).toBe(HEADERS.Authorization);
  });

  it("survive disabling and enabling", async () => {
    const receiver = await harness.receiver(respondWith(200));
    const org = await makeOrganization();
    const { endpoint } = await createEndpoint({ organizationId: org.id, url: receiver.url, headers: HEADERS });
    const ref = { organizationId: org.id, endpointId: endpoint.id };
    await disableEndpoint(ref);
    expect((await enableEndpoint(ref)).headerNames).toEqual(["Authorization", "X-Tenant"]);
  });
});
