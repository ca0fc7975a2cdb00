import { createHash } from "node:crypto";
import packageJson from "@/package.json";
import { buildOpenApiDocument } from "@/lib/http/openapi";
import { OPENAPI_EXCLUDED, OPENAPI_ROUTES } from "@/lib/http/openapi-routes";
import { openApiDocumentResponse } from "@/lib/http/response-schemas";
import { documentRoute } from "@/lib/http/route-docs";

export const dynamic = "force-dynamic";

/** The document as sent, and its ETag: built once per process, from the route modules (lib/http/openapi.ts). */
let built: { text: string; etag: string } | undefined;

function document(): { text: string; etag: string } {
  if (!built) {
    const text = JSON.stringify(buildOpenApiDocument({ routes: OPENAPI_ROUTES, excluded: OPENAPI_EXCLUDED, version: packageJson.version }).document);
    built = { text, etag: `"${createHash("sha256").update(text).digest("base64url").slice(0, 27)}"` };
  }
  return built;
}

/**
 * The API reference: an OpenAPI 3.1 document of every JSON route, generated from the routes' own
 * zod schemas. Public (it holds no data), and cacheable: it changes only with the code.
 */
export async function GET(request: Request): Promise<Response> {
  const { text, etag } = document();
  const headers = { "Cache-Control": "public, max-age=300", ETag: etag };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(text, { headers: { ...headers, "Content-Type": "application/json" } });
}

documentRoute(GET, {
  access: "public",
  summary: "This document",
  description: "The OpenAPI 3.1 document of the JSON API, generated from the routes' zod schemas. Cacheable; revalidate with If-None-Match.",
  responses: { 200: openApiDocumentResponse, 304: { description: "Not modified: the ETag sent in If-None-Match is current" } },
});
