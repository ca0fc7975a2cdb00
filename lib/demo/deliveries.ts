import { prisma } from "@/lib/db";
import { createInbox, inboxPath, inboxUrl, inspectorPath, pointsAtInbox, type InboxView } from "@/lib/dev-inbox/inbox";
import { sendWebhookNotification } from "@/lib/webhooks";
import { createEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";

/**
 * Demo data that shows the product working on a development start: two
 * request-inspector inboxes of the demo organization with an endpoint on each,
 * and a handful of events. The app's own worker then delivers them, so the
 * first screen after sign-in has real deliveries, history and charts.
 */

export const DEMO_INBOX_LABEL = "Demo receiver";
export const DEMO_FAILING_INBOX_LABEL = "Always 503";
/** What the second inbox answers, so one delivery keeps retrying. */
export const DEMO_FAILING_STATUS = 503;
/** The one event type the failing inbox's endpoint is subscribed to. */
const FAILING_EVENT_TYPE = "invoice.payment_failed";

/** The demo events, with fixed idempotency keys: a second start finds them and adds nothing. */
export const DEMO_EVENTS: readonly { event: string; idempotencyKey: string; data: Record<string, unknown> }[] = [
  {
    event: "customer.created",
    idempotencyKey: "demo-customer-cus_1001-created",
    data: { customerId: "cus_1001", name: "Ada Lovelace", email: "ada@example.com", country: "GB" },
  },
  {
    event: "subscription.updated",
    idempotencyKey: "demo-subscription-sub_2001-updated",
    data: { subscriptionId: "sub_2001", customerId: "cus_1001", plan: "pro", quantity: 5, status: "active", previousPlan: "starter" },
  },
  {
    event: "invoice.paid",
    idempotencyKey: "demo-invoice-inv_3001-paid",
    data: { invoiceId: "inv_3001", customerId: "cus_1001", amount: 14500, currency: "usd", lines: [{ description: "Pro plan × 5", amount: 14500 }] },
  },
  {
    event: "customer.created",
    idempotencyKey: "demo-customer-cus_1002-created",
    data: { customerId: "cus_1002", name: "Grace Hopper", email: "grace@example.com", country: "US" },
  },
  {
    event: FAILING_EVENT_TYPE,
    idempotencyKey: "demo-invoice-inv_3002-payment_failed",
    data: { invoiceId: "inv_3002", customerId: "cus_1002", amount: 4900, currency: "usd", reason: "card_declined", nextRetryAt: null },
  },
  {
    event: "user.created",
    idempotencyKey: "demo-user-usr_4001-created",
    data: { userId: "usr_4001", email: "linus@example.com", role: "member" },
  },
];

export interface DemoInbox {
  token: string;
  receiverUrl: string;
  /** The inspector page, relative to the app's URL. */
  inspectorPath: string;
}

export interface DemoDeliveriesResult {
  inbox: DemoInbox;
  failingInbox: DemoInbox;
  /** 0 on a second run. */
  endpointsCreated: number;
  /** 0 on a second run. */
  eventsCreated: number;
}

/**
 * Seeds the demo organization's inboxes, endpoints and events. Idempotent: the
 * inboxes are found by label, the endpoints by their inbox token (and pointed
 * at `appUrl` again when the app moved, e.g. another PORT), the events by
 * idempotency key. Endpoints are created with `createEndpoint`, so their
 * secrets are real and encrypted, and their URLs must pass its checks: plain
 * http on localhost needs a development start (or WEBHOOK_ALLOW_HTTP and
 * WEBHOOK_ALLOW_PRIVATE_NETWORK). Throws what `createEndpoint` and
 * `sendWebhookNotification` throw.
 */
export async function seedDemoDeliveries(options: { organizationId: string; appUrl: string }): Promise<DemoDeliveriesResult> {
  const { organizationId, appUrl } = options;
  const inbox = await demoInbox(organizationId, DEMO_INBOX_LABEL, null);
  const failingInbox = await demoInbox(organizationId, DEMO_FAILING_INBOX_LABEL, DEMO_FAILING_STATUS);
  let endpointsCreated = 0;
  if (await ensureEndpoint({ organizationId, appUrl, inbox, description: "Demo: the built-in request inspector (all events)", eventTypes: [] })) {
    endpointsCreated++;
  }
  if (
    await ensureEndpoint({
      organizationId,
      appUrl,
      inbox: failingInbox,
      description: `Demo: an inbox that always answers ${DEMO_FAILING_STATUS}, to show retries`,
      eventTypes: [FAILING_EVENT_TYPE],
    })
  ) {
    endpointsCreated++;
  }
  let eventsCreated = 0;
  for (const { event, idempotencyKey, data } of DEMO_EVENTS) {
    const result = await sendWebhookNotification(organizationId, event, idempotencyKey, data);
    if (!result.duplicate) eventsCreated++;
  }
  return { inbox: asDemoInbox(appUrl, inbox), failingInbox: asDemoInbox(appUrl, failingInbox), endpointsCreated, eventsCreated };
}

function asDemoInbox(appUrl: string, inbox: InboxView): DemoInbox {
  return { token: inbox.token, receiverUrl: inboxUrl(appUrl, inbox.token), inspectorPath: inspectorPath(inbox.token) };
}

async function demoInbox(organizationId: string, label: string, failWithStatus: number | null): Promise<InboxView> {
  const existing = await prisma.devInbox.findFirst({ where: { organizationId, label }, orderBy: { createdAt: "asc" } });
  return existing ?? createInbox({ organizationId, label, failWithStatus });
}

/** Creates the inbox's endpoint unless one points at it already; true when it created one. */
async function ensureEndpoint(options: { organizationId: string; appUrl: string; inbox: InboxView; description: string; eventTypes: string[] }): Promise<boolean> {
  const { organizationId, inbox } = options;
  const url = inboxUrl(options.appUrl, inbox.token);
  const rows = await prisma.webhookEndpoint.findMany({ where: { organizationId, url: { contains: inboxPath(inbox.token) } }, orderBy: { createdAt: "asc" } });
  const existing = rows.find((row) => pointsAtInbox(row.url, inbox.token));
  if (existing) {
    if (existing.url !== new URL(url).toString()) await updateEndpoint({ organizationId, endpointId: existing.id, url });
    return false;
  }
  await createEndpoint({ organizationId, url, description: options.description, eventTypes: options.eventTypes });
  return true;
}
