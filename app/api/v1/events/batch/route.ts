import { z } from "zod";
import { ingestBatch } from "@/lib/http/ingest";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { apiRoute } from "@/lib/http/route";
import { assertBatchSize, BATCH_MAX_BODY_BYTES } from "@/lib/webhooks/batch";
import { elementSources, memberSource } from "@/lib/webhooks/raw-json";
import { batchResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

const body = z.object({ items: z.array(z.unknown()) });

/**
 * Batch ingest: `{ items: [...] }`, up to 500 events of the API key's
 * organization, each what `POST /api/v1/events` takes, in one body of at most
 * 5 MiB; stored by one write. 200 with `{ results }` in input order, each item
 * answered as it would have been alone (202 new, 200 repeat, 400/413/422
 * refused): a bad item does not fail the others. The whole request fails only
 * for a body that is not JSON or has no `items` array (400), over 500 items or
 * 5 MiB (413), or past the rate limits (429): a batch counts as many events as
 * it holds (at least one) against RATE_LIMIT_INGEST_*. Each item's `data` is
 * delivered byte for byte as sent.
 */
export const POST = apiRoute({
  access: "api_key",
  scope: "events:write",
  body,
  maxBodyBytes: BATCH_MAX_BODY_BYTES,
  summary: "Send up to 500 events",
  description: "`items`, each what POST /api/v1/events takes, stored by one write. Each item is answered as it would have been alone (202 new, 200 repeat, 400/413/422 refused), in input order: a bad item does not fail the others.",
  responses: { 200: batchResponse },
  errors: {
    413: "`batch_too_large`: over 500 items",
    429: "`rate_limited`: a batch counts as many events as it holds against RATE_LIMIT_INGEST_*, with Retry-After",
  },
}, async ({ actor, body, rawBody }) => {
  assertBatchSize(body.items.length);
  await enforceRateLimit("ingestPerKey", actor.apiKeyId!, { cost: body.items.length });
  await enforceRateLimit("ingestPerOrganization", actor.organizationId, { cost: body.items.length });
  // The body parsed as an object with an `items` array, so their sources are there.
  const sources = elementSources(memberSource(rawBody, "items")!)!;
  return { results: await ingestBatch(actor.organizationId, body.items, sources) };
});
