import { z } from "zod";

/**
 * Common zod pieces for route and query schemas. Only zod, no server code, so
 * a module shared with pages or client components can use them too.
 */
export const schemas = {
  id: (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be an id starting with ${prefix}_`),
  isoDate: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO 8601 date")
    .transform((value) => new Date(value)),
};
