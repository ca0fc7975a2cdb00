import { apiRoute } from "@/lib/http/route";
import { getEnv } from "@/lib/env";
import { EVENT_CATALOGUE, publishedEventType } from "@/lib/webhooks/event-catalogue";
import { eventTypesResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

/**
 * The event catalogue for backend code and receivers' tooling (API key): each declared type
 * with its description, its data's JSON Schema (draft 2020-12) and an example, and whether
 * this installation accepts types outside it.
 */
export const GET = apiRoute({
  access: "api_key",
  summary: "The event catalogue",
  description: "Each declared event type with its description, its data's JSON Schema (draft 2020-12) and an example, and whether this installation accepts types outside the catalogue. Any API key.",
  responses: { 200: eventTypesResponse },
}, async () => ({
  eventTypes: EVENT_CATALOGUE.map(publishedEventType),
  undeclaredEventTypes: getEnv().undeclaredEventTypes,
}));
