import type { LoadedDelivery } from "@/lib/webhooks/claim";

/**
 * Free slots of a delivery worker running in this process, offered to the
 * enqueue path: a new delivery for a healthy endpoint is leased to the worker
 * in the very statement that stores it, then handed over in memory — no claim
 * query, no wake-up round trip. Everything else (retries, other processes'
 * events, a busy worker) goes through the claim as before.
 */
export interface LocalSlots {
  readonly workerId: string;
  /**
   * Reserves a slot for one delivery of `endpointId`, within this worker's own
   * view of the endpoint and organization caps; returns the lease's expiry, or
   * undefined when no slot is free.
   */
  reserve(endpointId: string, organizationId: string): Date | undefined;
  /** Gives back a reservation that was not used (the write failed or stored nothing new). */
  release(endpointId: string, organizationId: string): void;
  /** Starts the attempt of a reserved, now stored and leased delivery. */
  start(delivery: LoadedDelivery): void;
}

const holder = globalThis as typeof globalThis & { __webhookLocalSlots?: LocalSlots[] };

function registry(): LocalSlots[] {
  holder.__webhookLocalSlots ??= [];
  return holder.__webhookLocalSlots;
}

/** Offers a worker's slots to this process's producers; returns the function that withdraws them. */
export function offerLocalSlots(slots: LocalSlots): () => void {
  registry().push(slots);
  return () => {
    const list = registry();
    const index = list.indexOf(slots);
    if (index >= 0) list.splice(index, 1);
  };
}

/** A slot in any local worker for one delivery: which worker, and until when it is leased. */
export function reserveLocalSlot(endpointId: string, organizationId: string): { slots: LocalSlots; leaseUntil: Date } | undefined {
  for (const slots of registry()) {
    const leaseUntil = slots.reserve(endpointId, organizationId);
    if (leaseUntil) return { slots, leaseUntil };
  }
  return undefined;
}
