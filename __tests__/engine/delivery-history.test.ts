import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import { endpointConditions, eventTypeSuggestions, listDeliveries, type DeliveryFilters, type DeliveryPage } from "@/lib/webhooks/history";
import { DELIVERY_STATUSES, HISTORY_COUNT_CAP, parseEventTypeFilter } from "@/lib/webhooks/history-filters";
import { deliveryOutcome } from "@/lib/webhooks/outcomes";
import { setupTestDatabase } from "../helpers/database";
import { makeEndpoint, makeOrganization } from "../helpers/fixtures";

/** The history query on a real database: derived status filters, paging both ways, the capped count, event-type prefixes. */
setupTestDatabase();

const T0 = new Date("2026-11-28T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

type Stored = "pending" | "delivered" | "failed" | "cancelled";

/** One event and its delivery to `endpointId`, stored as given (no worker runs in this file). */
async function makeDelivery(options: {
  organizationId: string;
  endpointId: string;
  status?: Stored;
  attempts?: number;
  event?: string;
  idempotencyKey?: string;
  createdAt?: Date;
  id?: string;
}) {
  const event = options.event ?? "invoice.paid";
  const idempotencyKey = options.idempotencyKey ?? newId("req");
  const webhookEvent = await prisma.webhookEvent.create({
    data: { id: newId("evt"), organizationId: options.organizationId, eventType: event, idempotencyKey, body: "{}" },
  });
  return prisma.webhookDelivery.create({
    data: {
      id: options.id ?? newId("msg"),
      organizationId: options.organizationId,
      eventId: webhookEvent.id,
      endpointId: options.endpointId,
      event,
      idempotencyKey,
      status: options.status ?? "pending",
      attempts: options.attempts ?? 0,
      nextAttemptAt: (options.status ?? "pending") === "pending" ? at(600) : null,
      createdAt: options.createdAt ?? T0,
    },
  });
}

/** Every page from the newest to the oldest by `nextCursor`. */
async function pagesForward(filters: DeliveryFilters): Promise<DeliveryPage[]> {
  const pages = [await listDeliveries(filters)];
  while (pages[pages.length - 1]!.nextCursor) pages.push(await listDeliveries({ ...filters, cursor: pages[pages.length - 1]!.nextCursor! }));
  return pages;
}

const ids = (page: DeliveryPage) => page.items.map((item) => item.id);

describe("the status filter by derived outcome", () => {
  it("returns exactly the deliveries deliveryOutcome() puts in each outcome, with that state", async () => {
    const org = await makeOrganization("Outcomes");
    const url = "https://hooks.example.com/in";
    const healthy = (await makeEndpoint({ organizationId: org.id, url })).endpoint;
    const circuitOpen = (await makeEndpoint({ organizationId: org.id, url })).endpoint;
    const halfOpen = (await makeEndpoint({ organizationId: org.id, url })).endpoint;
    const closedCircuit = (await makeEndpoint({ organizationId: org.id, url })).endpoint;
    const cannotSign = (await makeEndpoint({ organizationId: org.id, url })).endpoint;
    await prisma.webhookCircuit.create({ data: { key: circuitOpen.id, state: "open", consecutiveFailures: 5, openedAt: T0, probeAt: at(300) } });
    await prisma.webhookCircuit.create({ data: { key: halfOpen.id, state: "half_open", consecutiveFailures: 5, openedAt: T0, probeAt: at(-10) } });
    await prisma.webhookCircuit.create({ data: { key: closedCircuit.id, state: "closed", consecutiveFailures: 0 } });
    await prisma.webhookEndpoint.update({ where: { id: cannotSign.id }, data: { signingBlockedAt: T0 } });

    const shapes: { status: Stored; attempts: number }[] = [
      { status: "pending", attempts: 0 },
      { status: "pending", attempts: 3 },
      { status: "delivered", attempts: 1 },
      { status: "failed", attempts: 8 },
      { status: "cancelled", attempts: 2 },
    ];
    let second = 0;
    for (const endpoint of [healthy, circuitOpen, halfOpen, closedCircuit, cannotSign]) {
      for (const shape of shapes) await makeDelivery({ organizationId: org.id, endpointId: endpoint.id, ...shape, createdAt: at(second++) });
    }
    // Another organization's held and retrying deliveries must not leak in.
    const other = await makeOrganization("Other");
    const otherEndpoint = (await makeEndpoint({ organizationId: other.id, url })).endpoint;
    await prisma.webhookCircuit.create({ data: { key: otherEndpoint.id, state: "open", consecutiveFailures: 5, probeAt: at(300) } });
    await makeDelivery({ organizationId: other.id, endpointId: otherEndpoint.id, attempts: 2 });

    const conditions = await endpointConditions(prisma, org.id);
    const rows = await prisma.webhookDelivery.findMany({ where: { organizationId: org.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    const expected = (outcome: string) => rows.filter((row) => deliveryOutcome(row, conditions.get(row.endpointId) ?? {}) === outcome).map((row) => row.id);

    for (const status of DELIVERY_STATUSES) {
      const page = await listDeliveries({ organizationId: org.id, status, limit: 100 });
      expect({ status, ids: ids(page) }).toEqual({ status, ids: expected(status) });
      expect(page.items.every((item) => item.state.outcome === status)).toBe(true);
      expect(page).toMatchObject({ count: expected(status).length, countCapped: false, nextCursor: null, prevCursor: null });
    }
    // Held: the pending deliveries of the open, half-open and cannot-sign endpoints; retrying and pending only on the other two.
    expect(expected("held")).toHaveLength(6);
    expect(expected("retrying")).toHaveLength(2);
    expect(expected("pending")).toHaveLength(2);

    const all = await listDeliveries({ organizationId: org.id, limit: 100 });
    expect(all.count).toBe(25);
    for (const item of all.items) expect(item.state.outcome).toBe(deliveryOutcome(item, conditions.get(item.endpointId) ?? {}));
    // The other filters narrow a derived outcome too.
    expect(ids(await listDeliveries({ organizationId: org.id, status: "held", endpointId: circuitOpen.id }))).toHaveLength(2);
    expect(ids(await listDeliveries({ organizationId: org.id, status: "retrying", endpointId: circuitOpen.id }))).toEqual([]);
  });
});

describe("paging", () => {
  it("pages older with nextCursor and back newer with prevCursor through the same pages, ties broken by id", async () => {
    const org = await makeOrganization("Pages");
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/in" });
    // 23 deliveries; every three share a createdAt, so the id decides their order.
    for (let i = 0; i < 23; i++) await makeDelivery({ organizationId: org.id, endpointId: endpoint.id, status: i % 4 === 0 ? "failed" : "delivered", createdAt: at(Math.floor(i / 3)) });
    const newestFirst = (await prisma.webhookDelivery.findMany({ where: { organizationId: org.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] })).map((row) => row.id);

    const filters = { organizationId: org.id, limit: 5 };
    const forward = await pagesForward(filters);
    expect(forward.map(ids)).toEqual([0, 5, 10, 15, 20].map((start) => newestFirst.slice(start, start + 5)));
    expect(forward[0]!.prevCursor).toBeNull();
    expect(forward.slice(1).every((page) => page.prevCursor !== null)).toBe(true);
    expect(forward.every((page) => page.count === 23 && !page.countCapped)).toBe(true);

    // Back from the oldest page to the newest, one prevCursor at a time.
    const backward = [forward[forward.length - 1]!];
    while (backward[backward.length - 1]!.prevCursor) backward.push(await listDeliveries({ ...filters, cursor: backward[backward.length - 1]!.prevCursor! }));
    expect(backward.map(ids)).toEqual([...forward].reverse().map(ids));
    // The newest page reached by paging back is the first page, cursors and all.
    expect(backward[backward.length - 1]).toMatchObject({ prevCursor: null, nextCursor: forward[0]!.nextCursor });
    // A page reached by going back pages forward again to the page after it.
    expect(ids(await listDeliveries({ ...filters, cursor: backward[2]!.nextCursor! }))).toEqual(ids(forward[3]!));
  });

  it("pages a filtered history the same way", async () => {
    const org = await makeOrganization("Filtered pages");
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/in" });
    for (let i = 0; i < 12; i++) await makeDelivery({ organizationId: org.id, endpointId: endpoint.id, status: i % 2 ? "failed" : "delivered", createdAt: at(i) });
    const filters = { organizationId: org.id, status: "failed" as const, limit: 4 };
    const forward = await pagesForward(filters);
    expect(forward.map((page) => page.items.length)).toEqual([4, 2]);
    expect(forward.flatMap((page) => page.items).every((item) => item.status === "failed")).toBe(true);
    const back = await listDeliveries({ ...filters, cursor: forward[1]!.prevCursor! });
    expect(ids(back)).toEqual(ids(forward[0]!));
    expect(back.prevCursor).toBeNull();
  });

  it("still reads cursors handed out before paging went both ways, as older", async () => {
    const org = await makeOrganization("Legacy");
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/in" });
    const rows = [];
    for (let i = 0; i < 4; i++) rows.push(await makeDelivery({ organizationId: org.id, endpointId: endpoint.id, createdAt: at(i) }));
    const legacy = Buffer.from(`${rows[2]!.createdAt.toISOString()}|${rows[2]!.id}`).toString("base64url");
    const page = await listDeliveries({ organizationId: org.id, cursor: legacy });
    expect(ids(page)).toEqual([rows[1]!.id, rows[0]!.id]);
    expect(page.prevCursor).not.toBeNull();
    expect(ids(await listDeliveries({ organizationId: org.id, cursor: page.prevCursor! }))).toEqual([rows[3]!.id, rows[2]!.id]);
  });
});

describe("the count", () => {
  it("is exact up to 10 000 and capped above", async () => {
    const org = await makeOrganization("Busy");
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/in" });
    const total = HISTORY_COUNT_CAP + 1;
    // One statement seeds the events and their deliveries: 10 000 invoice.paid and one user.created.
    await prisma.$executeRawUnsafe(
      `WITH events AS (
         INSERT INTO "WebhookEvent" ("id", "organizationId", "eventType", "idempotencyKey", "body", "createdAt")
         SELECT 'evt_' || lpad(i::text, 26, '0'), $1, CASE WHEN i = 1 THEN 'user.created' ELSE 'invoice.paid' END, 'bulk-' || i, '{}', $3::timestamp + i * interval '1 second'
           FROM generate_series(1, ${total}) AS i
         RETURNING "id", "eventType", "idempotencyKey", "createdAt")
       INSERT INTO "WebhookDelivery" ("id", "organizationId", "eventId", "endpointId", "event", "idempotencyKey", "status", "attempts", "createdAt", "updatedAt")
       SELECT 'msg_' || substr("id", 5), $1, "id", $2, "eventType", "idempotencyKey", 'delivered'::"DeliveryStatus", 1, "createdAt", "createdAt" FROM events`,
      org.id,
      endpoint.id,
      T0.toISOString(),
    );
    expect(await prisma.webhookDelivery.count({ where: { organizationId: org.id } })).toBe(total);

    const all = await listDeliveries({ organizationId: org.id, limit: 2 });
    expect(all).toMatchObject({ count: HISTORY_COUNT_CAP, countCapped: true });
    expect(all.items).toHaveLength(2);
    // Exactly 10 000 is not capped; the count ignores the cursor but follows every filter.
    const invoices = await listDeliveries({ organizationId: org.id, eventType: "invoice.paid", limit: 2, cursor: all.nextCursor! });
    expect(invoices).toMatchObject({ count: HISTORY_COUNT_CAP, countCapped: false });
    expect(await listDeliveries({ organizationId: org.id, eventType: { match: "prefix", value: "user." }, limit: 2 })).toMatchObject({ count: 1, countCapped: false });
    expect(await listDeliveries({ organizationId: org.id, status: "retrying", limit: 2 })).toMatchObject({ items: [], count: 0, countCapped: false });
  });
});

describe("event types", () => {
  const prefix = (value: string) => {
    const filter = parseEventTypeFilter(value);
    if ("error" in filter) throw new Error(filter.error);
    return filter;
  };

  it("match by prefix with %, _ and \\ taken literally, and exactly otherwise", async () => {
    const org = await makeOrganization("Prefixes");
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/in" });
    const names = ["invoice.paid", "invoice.created", "invoice.paid_late", "invoices.archived", "user.created", "a_b.c", "axb.c", "a%b.c", "abb.c", "a\\b.c"];
    for (const [i, event] of names.entries()) await makeDelivery({ organizationId: org.id, endpointId: endpoint.id, event, idempotencyKey: `key_${i}%`, createdAt: at(i) });
    const events = async (value: string) =>
      (await listDeliveries({ organizationId: org.id, eventType: prefix(value), limit: 100 })).items.map((item) => item.event).sort();

    expect(await events("invoice.")).toEqual(["invoice.created", "invoice.paid", "invoice.paid_late"]);
    expect(await events("invoice.*")).toEqual(["invoice.created", "invoice.paid", "invoice.paid_late"]);
    expect(await events("invoice*")).toEqual(["invoice.created", "invoice.paid", "invoice.paid_late", "invoices.archived"]);
    expect(await events("invoice.paid")).toEqual(["invoice.paid"]);
    expect(await events("a_*")).toEqual(["a_b.c"]);
    expect(await events("a%*")).toEqual(["a%b.c"]);
    expect(await events("a\\*")).toEqual(["a\\b.c"]);
    expect(await events("%*")).toEqual([]);
    expect(await events("_*")).toEqual([]);
    // The idempotency-key filter takes % and _ literally as well.
    expect((await listDeliveries({ organizationId: org.id, idempotencyKey: "_1%" })).items.map((item) => item.idempotencyKey)).toEqual(["key_1%"]);
    expect((await listDeliveries({ organizationId: org.id, idempotencyKey: "%" })).count).toBe(names.length);
    expect((await listDeliveries({ organizationId: org.id, idempotencyKey: "y%_" })).count).toBe(0);
  });

  it("suggest the catalogue, what the organization sent and a prefix per resource, and nothing another organization sent", async () => {
    const org = await makeOrganization("Suggestions");
    const other = await makeOrganization("Elsewhere");
    const { endpoint } = await makeEndpoint({ organizationId: org.id, url: "https://hooks.example.com/in" });
    const { endpoint: otherEndpoint } = await makeEndpoint({ organizationId: other.id, url: "https://hooks.example.com/in" });
    await makeDelivery({ organizationId: org.id, endpointId: endpoint.id, event: "shipment.left_warehouse" });
    await makeDelivery({ organizationId: org.id, endpointId: endpoint.id, event: "shipment.left_warehouse" });
    await makeDelivery({ organizationId: other.id, endpointId: otherEndpoint.id, event: "secret.project_started" });

    const suggestions = await eventTypeSuggestions({ organizationId: org.id });
    expect(suggestions).toEqual([...suggestions].sort());
    expect(new Set(suggestions).size).toBe(suggestions.length);
    expect(suggestions).toEqual(expect.arrayContaining([...EVENT_CATALOGUE.map((definition) => definition.name), "shipment.left_warehouse", "shipment.*"]));
    expect(suggestions.some((name) => name.startsWith("secret."))).toBe(false);
  });
});

describe("bad input", () => {
  it.each([
    ["empty", "", "must name an event type"],
    ["a star alone", "*", "must name a prefix before *"],
    ["a star inside", "in*voice", "must have * only at the end"],
    ["a 129-character prefix", `${"a".repeat(128)}*`, "at most 128 characters"],
  ])("refuses an event-type filter: %s", (_label, value, message) => {
    expect(parseEventTypeFilter(value)).toEqual({ error: expect.stringContaining(message) });
  });

  it("refuses a cursor string it did not hand out", async () => {
    const org = await makeOrganization("Cursors");
    await expect(listDeliveries({ organizationId: org.id, cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "invalid_input" });
    await expect(listDeliveries({ organizationId: org.id, cursor: Buffer.from("x|2026-11-28T12:00:00.000Z|msg_00000000000000000000000001").toString("base64url") })).rejects.toMatchObject({ code: "invalid_input" });
  });
});
