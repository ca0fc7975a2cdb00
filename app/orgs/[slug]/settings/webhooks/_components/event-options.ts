import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import type { EventOption } from "./endpoint-form";

/** The catalogue as form options, each sample shown as the full envelope a receiver gets. */
export function eventOptions(): EventOption[] {
  return EVENT_CATALOGUE.map((definition) => ({
    name: definition.name,
    description: definition.description,
    sample: JSON.stringify(
      { event: definition.name, idempotencyKey: "example-key-123", timestamp: "2025-01-01T12:00:00.000Z", data: definition.sample },
      null,
      2,
    ),
  }));
}
