import type { EndpointView } from "@/lib/webhooks/endpoints";
import { EVENT_CATALOGUE, publishedEventType } from "@/lib/webhooks/event-catalogue";
import { receivesTestEventType, testEnvelope } from "@/lib/webhooks/manual";

/** One choice of the test-event picker: the type, what it means, the body that will be sent and its data's JSON Schema, pretty-printed. */
export interface TestEventOption {
  name: string;
  description: string;
  payload: string;
  schema: string;
}

/**
 * The catalogue types this endpoint receives (always `webhook.test` first), each with the
 * envelope a test send of it carries: the catalogue's sample under a `test-…` idempotency
 * key. The key and time are made at sending; here they are shown as placeholders.
 */
export function testEventOptions(endpoint: Pick<EndpointView, "id" | "eventTypes">): TestEventOption[] {
  return EVENT_CATALOGUE.filter((definition) => receivesTestEventType(endpoint, definition.name)).map((definition) => {
    const envelope = testEnvelope({ eventType: definition.name, messageId: "msg_…", timestamp: new Date(0), endpointId: endpoint.id });
    return {
      name: definition.name,
      description: definition.description,
      payload: JSON.stringify({ ...envelope, timestamp: "(the time of sending)" }, null, 2),
      schema: JSON.stringify(publishedEventType(definition).schema, null, 2),
    };
  });
}
