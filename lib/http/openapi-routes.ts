import * as apiKey from "@/app/api/api-keys/[id]/route";
import * as apiKeys from "@/app/api/api-keys/route";
import * as auditLog from "@/app/api/audit-log/route";
import * as healthLive from "@/app/api/health/live/route";
import * as health from "@/app/api/health/route";
import * as metrics from "@/app/api/metrics/route";
import * as openapi from "@/app/api/openapi.json/route";
import * as organization from "@/app/api/organization/route";
import * as organizationSecurity from "@/app/api/organization/security/route";
import * as eventTypes from "@/app/api/v1/event-types/route";
import * as eventsBatch from "@/app/api/v1/events/batch/route";
import * as events from "@/app/api/v1/events/route";
import * as listenAnswers from "@/app/api/v1/listen/[id]/answers/route";
import * as listenStream from "@/app/api/v1/listen/[id]/stream/route";
import * as listen from "@/app/api/v1/listen/route";
import * as redeliver from "@/app/api/webhooks/deliveries/[id]/redeliver/route";
import * as delivery from "@/app/api/webhooks/deliveries/[id]/route";
import * as deliveries from "@/app/api/webhooks/deliveries/route";
import * as diagnose from "@/app/api/webhooks/endpoints/[id]/diagnose/route";
import * as publicKey from "@/app/api/webhooks/endpoints/[id]/public-key/route";
import * as recover from "@/app/api/webhooks/endpoints/[id]/recover/route";
import * as rotateSecret from "@/app/api/webhooks/endpoints/[id]/rotate-secret/route";
import * as endpoint from "@/app/api/webhooks/endpoints/[id]/route";
import * as secret from "@/app/api/webhooks/endpoints/[id]/secret/route";
import * as endpointTest from "@/app/api/webhooks/endpoints/[id]/test/route";
import * as endpoints from "@/app/api/webhooks/endpoints/route";
import * as webhookMetrics from "@/app/api/webhooks/metrics/route";
import * as settings from "@/app/api/webhooks/settings/route";
import * as classicTest from "@/app/api/webhooks/test/route";
import type { ExcludedRoutes, RouteModule } from "@/lib/http/openapi";

/**
 * Every route module under app/api that the API reference (`GET /api/openapi.json`) documents,
 * with the path it serves. A route file under app/api must be here or under an
 * {@link OPENAPI_EXCLUDED} prefix: the reference's test fails otherwise.
 */
export const OPENAPI_ROUTES: readonly RouteModule[] = [
  { path: "/api/api-keys", module: apiKeys },
  { path: "/api/api-keys/[id]", module: apiKey },
  { path: "/api/audit-log", module: auditLog },
  { path: "/api/health", module: health },
  { path: "/api/health/live", module: healthLive },
  { path: "/api/metrics", module: metrics },
  { path: "/api/openapi.json", module: openapi },
  { path: "/api/organization", module: organization },
  { path: "/api/organization/security", module: organizationSecurity },
  { path: "/api/v1/event-types", module: eventTypes },
  { path: "/api/v1/events", module: events },
  { path: "/api/v1/events/batch", module: eventsBatch },
  { path: "/api/v1/listen", module: listen },
  { path: "/api/v1/listen/[id]/answers", module: listenAnswers },
  { path: "/api/v1/listen/[id]/stream", module: listenStream },
  { path: "/api/webhooks/deliveries", module: deliveries },
  { path: "/api/webhooks/deliveries/[id]", module: delivery },
  { path: "/api/webhooks/deliveries/[id]/redeliver", module: redeliver },
  { path: "/api/webhooks/endpoints", module: endpoints },
  { path: "/api/webhooks/endpoints/[id]", module: endpoint },
  { path: "/api/webhooks/endpoints/[id]/diagnose", module: diagnose },
  { path: "/api/webhooks/endpoints/[id]/public-key", module: publicKey },
  { path: "/api/webhooks/endpoints/[id]/recover", module: recover },
  { path: "/api/webhooks/endpoints/[id]/rotate-secret", module: rotateSecret },
  { path: "/api/webhooks/endpoints/[id]/secret", module: secret },
  { path: "/api/webhooks/endpoints/[id]/test", module: endpointTest },
  { path: "/api/webhooks/metrics", module: webhookMetrics },
  { path: "/api/webhooks/settings", module: settings },
  { path: "/api/webhooks/test", module: classicTest },
];

/** Route files under app/api that the reference leaves out, and why (the document's description says so too). */
export const OPENAPI_EXCLUDED: readonly ExcludedRoutes[] = [
  { prefix: "/api/auth/", why: "better-auth's own endpoints (sign-up, sign-in, sessions, organizations, invitations): its API, not this one; use the app's pages or better-auth's client." },
  { prefix: "/api/dev/", why: "the request inspector's routes, which exist only in an app started in development mode (a 404 elsewhere)." },
];
