import { EVENT_CATALOGUE, publishedEventType } from "@/lib/webhooks/event-catalogue";
import type { EventOption } from "./endpoint-form";

/** The catalogue as form options: each example shown as the full envelope a receiver gets, and its data's JSON Schema. */
export function eventOptions(): EventOption[] {
  return EVENT_CATALOGUE.map((definition) => ({
    name: definition.name,
    description: definition.description,
    sample: JSON.stringify(
      { event: definition.name, idempotencyKey: "example-key-123", timestamp: "2025-01-01T12:00:00.000Z", data: definition.example },
      null,
      2,
    ),
    schema: JSON.stringify(publishedEventType(definition).schema, null, 2),
  }));
}
