import { z } from "zod";
import { getEnv } from "@/lib/env";
import { WebhookValidationError } from "@/lib/webhooks/errors";
import { RawJson } from "@/lib/webhooks/raw-json";

/**
 * The event types this product declares: for each, what it means, the shape of its `data`
 * (a zod schema, published as JSON Schema by `GET /api/v1/event-types`) and an example.
 * `sendWebhookNotification` checks a declared type's data against its schema; other
 * well-formed names are sent as given unless WEBHOOK_UNDECLARED_EVENT_TYPES=refuse.
 *
 * Objects are loose: properties beyond the schema's are allowed and delivered, so a producer
 * can add a field before the catalogue names it, and receivers should ignore what they do not
 * know (as with Stripe's payloads). What the schema names must be there and of its type.
 */
export interface EventTypeDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  /** The event's `data`. */
  schema: S;
  /** A `data` that passes `schema` (a test checks every one): an object, like every event's data here. */
  example: z.output<S> & Record<string, unknown>;
}

const define = <S extends z.ZodType>(definition: EventTypeDefinition<S>): EventTypeDefinition => definition as unknown as EventTypeDefinition;

const id = (prefix: string, description: string) => z.string().min(1).max(255).describe(`${description}, e.g. ${prefix}_123`);
const severity = z.enum(["warning", "critical"]).describe("How serious the alert is");
const alertData = z.looseObject({
  endpointId: id("ep", "The endpoint concerned"),
  alertId: id("alert", "The alert that was opened"),
  severity,
  message: z.string().describe("The alert in words"),
});

export const EVENT_CATALOGUE: readonly EventTypeDefinition[] = [
  define({
    name: "webhook.test",
    description: 'Sent when someone presses "Send test event".',
    schema: z.looseObject({ message: z.string(), endpointId: id("ep", "The endpoint the test was sent to").optional() }),
    example: { message: "This is a test event." },
  }),
  define({
    name: "user.created",
    description: "A user joined the organization.",
    schema: z.looseObject({ userId: id("usr", "The user"), email: z.email().describe("Their email address") }),
    example: { userId: "usr_123", email: "ada@example.com" },
  }),
  define({
    name: "user.deleted",
    description: "A user was removed from the organization.",
    schema: z.looseObject({ userId: id("usr", "The user") }),
    example: { userId: "usr_123" },
  }),
  define({
    name: "invoice.paid",
    description: "An invoice was paid in full.",
    schema: z.looseObject({
      invoiceId: id("inv", "The invoice"),
      amount: z.number().int().nonnegative().describe("Amount paid, in the currency's smallest unit (cents)"),
      currency: z
        .string()
        .regex(/^([a-z]{3}|[A-Z]{3})$/, "must be a three-letter ISO 4217 code, such as usd or EUR")
        .describe("ISO 4217 code, in lower or upper case (usd, EUR)"),
    }),
    example: { invoiceId: "inv_123", amount: 4200, currency: "usd" },
  }),
  define({
    name: "invoice.payment_failed",
    description: "A payment attempt for an invoice failed.",
    schema: z.looseObject({ invoiceId: id("inv", "The invoice"), reason: z.string().min(1).describe("Why it failed, e.g. card_declined") }),
    example: { invoiceId: "inv_123", reason: "card_declined" },
  }),
  define({
    name: "subscription.updated",
    description: "A subscription changed plan, quantity or status.",
    schema: z.looseObject({
      subscriptionId: id("sub", "The subscription"),
      status: z.enum(["trialing", "active", "past_due", "paused", "canceled", "unpaid"]),
      plan: z.string().min(1),
    }),
    example: { subscriptionId: "sub_123", status: "active", plan: "pro" },
  }),
  define({
    name: "endpoint.disabled",
    description: "One of your endpoints was disabled (it failed for too long, or answered 410 Gone).",
    schema: alertData,
    example: { endpointId: "ep_123", alertId: "alert_123", severity: "warning", message: "Endpoint hooks.example.com is disabled: failing for 5 days" },
  }),
  define({
    name: "endpoint.failing",
    description: "One of your endpoints is failing most deliveries.",
    schema: alertData,
    example: { endpointId: "ep_123", alertId: "alert_123", severity: "critical", message: "80 % of deliveries to hooks.example.com failed in the last hour" },
  }),
  define({
    name: "delivery.exhausted",
    description: "A delivery used up every retry without success.",
    schema: z.looseObject({
      deliveryId: id("msg", "The delivery (its webhook-id)"),
      endpointId: id("ep", "Its endpoint"),
      event: z.string().describe("The event type it carried"),
      idempotencyKey: z.string().describe("The event's idempotency key"),
      attempts: z.number().int().positive().describe("Scheduled attempts made"),
    }),
    example: { deliveryId: "msg_123", endpointId: "ep_123", event: "invoice.paid", idempotencyKey: "invoice-123-paid", attempts: 8 },
  }),
];

const BY_NAME = new Map(EVENT_CATALOGUE.map((definition) => [definition.name, definition]));

/** The declared type of that name, if any. */
export function declaredEventType(name: string): EventTypeDefinition | undefined {
  return BY_NAME.get(name);
}

/** A declared type as `GET /api/v1/event-types` and the docs publish it: its data's JSON Schema (draft 2020-12). */
export function publishedEventType(definition: EventTypeDefinition) {
  return { name: definition.name, description: definition.description, schema: z.toJSONSchema(definition.schema, { io: "input" }), example: definition.example };
}

/** At most this many issues are reported for one payload. */
const MAX_ISSUES = 20;

/**
 * Checks an event's `data` against its type's schema (a RawJson is parsed for the check
 * only: what is stored and sent stays the producer's bytes). Throws WebhookValidationError
 * `invalid_payload` with the issues (paths from `data`), or `undeclared_event_type` when the
 * type is not in the catalogue and `undeclared` (default: the installation's
 * WEBHOOK_UNDECLARED_EVENT_TYPES) is "refuse".
 */
export function assertEventData(event: string, data: unknown, undeclared: "allow" | "refuse" = getEnv().undeclaredEventTypes): void {
  const definition = BY_NAME.get(event);
  if (!definition) {
    if (undeclared === "refuse") {
      throw new WebhookValidationError(
        "undeclared_event_type",
        `${JSON.stringify(event).slice(0, 80)} is not in the event catalogue, and this installation accepts only declared types (${EVENT_CATALOGUE.map((entry) => entry.name).join(", ")})`,
      );
    }
    return;
  }
  let value = data;
  if (data instanceof RawJson) {
    try {
      value = JSON.parse(data.text);
    } catch {
      return; // serializeEnvelope reports text that is not JSON
    }
  }
  const result = definition.schema.safeParse(value);
  if (result.success) return;
  const issues = result.error.issues.slice(0, MAX_ISSUES).map((issue) => ({ path: ["data", ...issue.path.map((part) => String(part))], message: issue.message, code: issue.code }));
  const first = issues[0]!;
  throw new WebhookValidationError(
    "invalid_payload",
    `The data of ${event} does not match its schema: ${first.path.join(".")}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`,
    issues,
  );
}
