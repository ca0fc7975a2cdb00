import { logger } from "@/lib/logger";
import { enqueueEvent, prepareEvent, type EnqueueOptions, type EnqueueResult } from "@/lib/webhooks/enqueue";

/**
 * Operational events: what the platform itself tells a tenant's endpoints
 * (`delivery.exhausted`, `endpoint.*`, alert changes). One module, used by the
 * attempt pipeline and by alerting, so neither reaches into the producer API.
 */

/**
 * The engine's own way in, for the platform events (`endpoint.*`, `delivery.*`)
 * that `sendWebhookNotification` refuses from everyone else. Same guarantees.
 * Not part of the public surface (lib/webhooks/index.ts).
 */
export async function emitPlatformEvent(
  organizationId: string,
  event: string,
  idempotencyKey: string,
  data: unknown,
  options: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const row = prepareEvent(organizationId, event, idempotencyKey, data, { orderingKey: options.orderingKey, now: options.now, platformEvent: true });
  return enqueueEvent(row, { tx: options.tx });
}

/**
 * Tells the tenant's endpoints subscribed to `delivery.exhausted` that a delivery ran out
 * of retries (once per delivery: the idempotency key is derived from its id). Never
 * throws: a failure to announce is logged and does not undo the attempt.
 */
export async function announceDeliveryExhausted(
  delivery: { id: string; organizationId: string; endpointId: string; event: string; idempotencyKey: string },
  attempts: number,
): Promise<void> {
  // An exhausted announcement is never announced again: no loop when its own delivery fails.
  if (delivery.event === "delivery.exhausted") return;
  await emitPlatformEvent(delivery.organizationId, "delivery.exhausted", `exhausted-${delivery.id}`, {
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
    event: delivery.event,
    idempotencyKey: delivery.idempotencyKey,
    attempts,
  }).then(
    () => undefined,
    (error: unknown) => logger.error({ err: error, deliveryId: delivery.id }, "delivery.exhausted event failed"),
  );
}
