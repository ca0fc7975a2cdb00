import { z } from "zod";
import { API_KEY_SCOPES } from "@/lib/api-key-scopes";

/**
 * Common zod pieces for route and query schemas. Only zod, no server code, so
 * a module shared with pages or client components can use them too.
 */
export const schemas = {
  id: (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be an id starting with ${prefix}_`),
  isoDate: z
    .string()
    .describe("An ISO 8601 date or date-time")
    .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO 8601 date")
    .transform((value) => new Date(value)),
};

/** An API key's scopes: one or more of API_KEY_SCOPES, each once. */
export const apiKeyScopes = z
  .array(z.enum(API_KEY_SCOPES))
  .min(1, "must name at least one scope")
  .refine((scopes) => new Set(scopes).size === scopes.length, "must name each scope once");
