import { EventEmitter } from "node:events";

/** Channel for "new deliveries are due": pg_notify inside the enqueue transaction. */
export const DELIVERY_CHANNEL = "webhook_deliveries";

const holder = globalThis as typeof globalThis & { __webhookSignal?: EventEmitter };

/**
 * In-process wake-up for workers in the same process, so a new event is picked
 * up at once instead of on the next poll. (Other processes hear the NOTIFY.)
 */
export function deliverySignal(): EventEmitter {
  if (!holder.__webhookSignal) {
    holder.__webhookSignal = new EventEmitter();
    holder.__webhookSignal.setMaxListeners(100);
  }
  return holder.__webhookSignal;
}

export function signalDeliveriesDue(): void {
  deliverySignal().emit("due");
}
