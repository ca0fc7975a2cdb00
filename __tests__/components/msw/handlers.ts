import { http, type HttpHandler } from "msw";
import type { ApiKeyView } from "@/lib/api-keys";
import { ORGANIZATION_HEADER } from "@/lib/http/headers";
import type { ManualAttemptResult } from "@/lib/webhooks/manual";
import type { DiagnosisJson } from "@/app/orgs/[slug]/settings/webhooks/_components/diagnose-panel";
import type { OrganizationSecurity } from "@/lib/auth/two-factor-policy";
import type { EndpointJson } from "./fixtures";
import type { Invitation, Member } from "better-auth/plugins/organization";
import { received } from "./server";

/**
 * What a handler answers: a success body of the route's type (sent with the route's
 * success status), or any Response, e.g. an error from ./errors.ts. A Response's body can
 * be read once: for a route called twice in one test, add a handler per call with `server.use`.
 */
export type Answer<T> = T | Response;

type Method = keyof Pick<typeof http, "get" | "post" | "patch" | "delete">;

/** A handler for one route that logs the request in `received`, then answers. */
function route<T>(method: Method, path: string, successStatus = 200) {
  return (answer: Answer<T>): HttpHandler =>
    http[method](path, async ({ request }) => {
      const text = await request.text();
      const url = new URL(request.url);
      received.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        body: text === "" ? undefined : JSON.parse(text),
        organizationId: request.headers.get(ORGANIZATION_HEADER),
      });
      return answer instanceof Response ? answer : Response.json(answer, { status: successStatus, headers: { "Cache-Control": "no-store" } });
    });
}

/**
 * One factory per route the client components call, with the path, method and success
 * status of app/api/…/route.ts and the body type its handler returns. Add a route here
 * when a component starts calling it.
 */
export const api = {
  /** An hmac endpoint's answer carries `secret`; an ed25519 one's public key is `endpoint.publicKey`. */
  createEndpoint: route<{ endpoint: EndpointJson; secret?: string }>("post", "/api/webhooks/endpoints", 201),
  /** `secret` only after a switch to hmac. */
  updateEndpoint: route<{ endpoint: EndpointJson; secret?: string }>("patch", "/api/webhooks/endpoints/:id"),
  revealSecret: route<{ secret: string }>("get", "/api/webhooks/endpoints/:id/secret"),
  rotateSecret: route<{ endpoint: EndpointJson; secret: string } | { endpoint: EndpointJson; publicKey: string }>("post", "/api/webhooks/endpoints/:id/rotate-secret"),
  sendTestEvent: route<{ result: ManualAttemptResult }>("post", "/api/webhooks/endpoints/:id/test"),
  recoverDeliveries: route<{ requeued: number }>("post", "/api/webhooks/endpoints/:id/recover"),
  diagnoseEndpoint: route<{ diagnosis: DiagnosisJson }>("post", "/api/webhooks/endpoints/:id/diagnose"),
  redeliver: route<{ result: ManualAttemptResult }>("post", "/api/webhooks/deliveries/:id/redeliver"),
  createApiKey: route<{ apiKey: ApiKeyView; key: string }>("post", "/api/api-keys", 201),
  revokeApiKey: route<{ apiKey: ApiKeyView }>("delete", "/api/api-keys/:id"),
  setApiKeyScopes: route<{ apiKey: ApiKeyView }>("patch", "/api/api-keys/:id"),
  deleteOrganization: route<{ deleted: true; eraseAfter: Date }>("delete", "/api/organization"),
  updateOrganizationSecurity: route<OrganizationSecurity>("patch", "/api/organization/security"),
  /** better-auth's organization plugin (app/api/auth/[...all]), called through lib/auth/client.ts. */
  inviteMember: route<Invitation>("post", "/api/auth/organization/invite-member"),
  updateMemberRole: route<Member>("post", "/api/auth/organization/update-member-role"),
  removeMember: route<{ member: Member }>("post", "/api/auth/organization/remove-member"),
  cancelInvitation: route<Invitation>("post", "/api/auth/organization/cancel-invitation"),
};
