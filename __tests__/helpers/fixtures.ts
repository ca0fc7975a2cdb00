import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { createEndpoint, type CreateEndpointOptions } from "@/lib/webhooks/endpoints";
import type { SignatureScheme } from "@/lib/webhooks/signing-keys";

export async function makeOrganization(name = "Acme") {
  const id = newId("org");
  return prisma.organization.create({ data: { id, name, slug: `${name.toLowerCase().replace(/\W+/g, "-")}-${id.slice(-8)}` } });
}

/** An endpoint with a test description; `signatureScheme: "ed25519"` gives one signing with a key pair (no `secret`). */
export async function makeEndpoint<S extends SignatureScheme = "hmac">(
  options: Partial<Omit<CreateEndpointOptions, "signatureScheme">> & { organizationId: string; url: string; signatureScheme?: S },
) {
  return createEndpoint<S>({ description: "test endpoint", ...options });
}

/** A controllable clock for engine tests. */
export function makeClock(start = new Date("2026-11-28T12:00:00.000Z")) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}

/** Loopback receivers are private addresses; the engine tests opt in explicitly. */
export function allowLoopbackDelivery() {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = "true";
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    else process.env.WEBHOOK_ALLOW_PRIVATE_NETWORK = saved;
  });
}
