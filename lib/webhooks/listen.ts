import { prisma as sharedPrisma, getDatabase } from "@/lib/db";
import { sqlTime, type DbClient } from "@/lib/database/db-types";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { attemptDelivery } from "@/lib/webhooks/attempt";
import { LEASE_CHOSEN, toLoadedDelivery, type LeasedRow, type LoadedDelivery } from "@/lib/webhooks/claim";
import { deliverySignal, DELIVERY_CHANNEL } from "@/lib/webhooks/enqueue";
import { findOwned, LISTEN_DISCONNECTED_REASON } from "@/lib/webhooks/endpoints";
import { TransportError, WebhookNotFoundError } from "@/lib/webhooks/errors";
import type { PostFunction } from "@/lib/webhooks/send";
import { DEFAULT_TIMEOUT_MS, RESPONSE_BODY_CAP_BYTES, type TransportResponse } from "@/lib/webhooks/transport";

/**
 * `listen`: deliveries to a developer's localhost without a tunnel. A listen
 * endpoint (kind `cli`) is skipped by the workers' claim; while a CLI holds its
 * stream, the web process serving that stream claims the endpoint's due
 * deliveries and attempts each through the one attempt pipeline
 * (attempt.ts → send.ts), with one difference: the signed request is carried
 * down the stream instead of over the network ({@link PostFunction}). The CLI
 * posts it to the local URL with the very headers and body we signed and
 * reports the local answer, which becomes the attempt's exchange — recorded,
 * classified and retried exactly like any other. When the stream ends the
 * endpoint is disabled without cancelling anything: its pending deliveries wait
 * for the next connection. One not seen for {@link LISTEN_DELETE_AFTER_MS} is deleted.
 */

/** Attempts forwarded down one stream at a time. */
export const LISTEN_CONCURRENCY = 4;
/** How long a forwarded attempt's lease lasts: the CLI's answer must come well within it. */
export const LISTEN_LEASE_SECONDS = 90;
/** How long we wait for the CLI's answer: its own deadline for the local server, plus the trip. */
export const LISTEN_ANSWER_TIMEOUT_MS = DEFAULT_TIMEOUT_MS + 15_000;
/** A comment down the stream this often keeps proxies from closing it, and marks the endpoint seen. */
export const LISTEN_HEARTBEAT_MS = 15_000;
/** An endpoint still marked connected but not seen this long lost its web process: it is disabled. */
export const LISTEN_STALE_AFTER_MS = 2 * 60_000;
/** A listen endpoint with no stream for this long is deleted with its deliveries. */
export const LISTEN_DELETE_AFTER_MS = 24 * 60 * 60_000;
/** How often an idle stream looks for due retries when nothing wakes it. */
const POLL_INTERVAL_MS = 1_000;
/** The NOTIFY channel that wakes a stream's process when another process received its CLI's answer. */
const RESULT_CHANNEL = "webhook_listen_results";

/** One forwarded attempt as the CLI receives it (`event: delivery`). */
export interface ForwardedAttempt {
  /** `lsn_…`: echoed in the answer. */
  id: string;
  deliveryId: string;
  eventType: string;
  /** Exactly what to send: the signature headers cover `body` byte for byte. */
  headers: Record<string, string>;
  body: string;
}

/** The CLI's answer for one forwarded attempt. */
export type ListenAnswer =
  | { id: string; status: number; headers?: Record<string, string>; body?: string; durationMs: number }
  | { id: string; error: { code: "connection_failed" | "timeout"; message: string }; durationMs: number };

interface Waiter {
  endpointId: string;
  resolve: (answer: ListenAnswer) => void;
  reject: (error: TransportError) => void;
}

interface ListenState {
  waiters: Map<string, Waiter>;
  /** Open streams per endpoint. */
  streams: Map<string, number>;
  /** What ends each open stream (a stopping server ends them all). */
  stops: Set<AbortController>;
}

// On globalThis: the server script and Next's route bundle load this module separately.
const holder = globalThis as typeof globalThis & { __webhookListen?: ListenState };

/** This process's forwarded attempts awaiting an answer, and its open streams. */
function state(): ListenState {
  holder.__webhookListen ??= { waiters: new Map(), streams: new Map(), stops: new Set() };
  return holder.__webhookListen;
}

/**
 * Ends every listen stream this process serves (a server stopping): their in-flight attempts are
 * recorded as failed connections and their endpoints marked disconnected; resolves when done.
 */
export async function stopListenStreams(): Promise<void> {
  const { stops } = state();
  for (const stop of stops) stop.abort();
  const deadline = Date.now() + 5_000;
  while (stops.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The listen endpoint `endpointId` of the organization; WebhookNotFoundError for anything else (another organization's, an http one). */
export async function findListenEndpoint(db: DbClient, organizationId: string, endpointId: string) {
  const row = await findOwned(db, organizationId, endpointId);
  if (row.kind !== "cli") throw new WebhookNotFoundError("endpoint_not_found", `Listen endpoint ${endpointId} not found`);
  return row;
}

export interface ListenStreamOptions {
  organizationId: string;
  endpointId: string;
  /** Writes one server-sent event (or, with `event` undefined, a comment) down the stream. */
  send: (event: string | undefined, data: string) => void;
  /** Aborted when the CLI disconnects or the server stops. */
  signal: AbortSignal;
  prisma?: DbClient;
  now?: () => Date;
}

/**
 * Serves one CLI stream until `signal` aborts: marks the endpoint connected
 * (active) and makes its waiting deliveries due now, forwards its due deliveries as
 * attempts, then marks it disconnected (disabled, nothing cancelled). Throws WebhookNotFoundError, before anything is
 * sent, for an endpoint that is not a listen endpoint of the organization.
 */
export async function serveListenStream(options: ListenStreamOptions): Promise<void> {
  const db = options.prisma ?? sharedPrisma;
  const now = options.now ?? (() => new Date());
  const { endpointId } = options;
  const endpoint = await findListenEndpoint(db, options.organizationId, endpointId);
  // Ended by the CLI going away, or by this process stopping.
  const stop = new AbortController();
  const signal = stop.signal;
  if (options.signal.aborted) stop.abort();
  else options.signal.addEventListener("abort", () => stop.abort(), { once: true });
  state().stops.add(stop);
  const streams = state().streams;
  streams.set(endpointId, (streams.get(endpointId) ?? 0) + 1);
  const connectedAt = now();
  await db.webhookEndpoint.update({ where: { id: endpointId }, data: { status: "active", disabledReason: null, disabledAt: null, listenSeenAt: connectedAt } });
  // A CLI that connects (again) gets what waited at once: a developer who restarts it has usually
  // just fixed the local server, so a delivery retrying on its schedule is due now, not in hours.
  await db.webhookDelivery.updateMany({ where: { endpointId, status: "pending", nextAttemptAt: { gt: connectedAt } }, data: { nextAttemptAt: connectedAt } });
  options.send("ready", JSON.stringify({ endpointId, eventTypes: endpoint.eventTypes }));

  const workerId = `listen-${newId("lsn")}`;
  const inFlight = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  let woken = false;
  const poke = () => {
    woken = true;
    wake?.();
  };
  const signalEmitter = deliverySignal();
  signalEmitter.on("due", poke);
  signal.addEventListener("abort", poke);
  const unlisten = await getDatabase()
    .listen(DELIVERY_CHANNEL, poke)
    .catch((error: unknown) => {
      logger.warn({ err: error }, "LISTEN failed; the listen stream polls");
      return undefined;
    });
  const unlistenResults = await subscribeToAnswers(db);
  const heartbeat = setInterval(() => {
    options.send(undefined, "keep-alive");
    void db.webhookEndpoint.update({ where: { id: endpointId }, data: { listenSeenAt: now() } }).catch(() => {});
  }, LISTEN_HEARTBEAT_MS);
  heartbeat.unref();

  const post = streamPost(endpointId, options.send, signal);
  try {
    while (!signal.aborted) {
      woken = false;
      const free = LISTEN_CONCURRENCY - inFlight.size;
      const claimed = free > 0 ? await claimListenDeliveries(db, { endpointId, limit: free, workerId, now: now() }) : [];
      for (const delivery of claimed) {
        const attempt = attemptDelivery(delivery, { prisma: db, now, post })
          .then(() => undefined)
          .catch((error: unknown) => logger.error({ err: error, deliveryId: delivery.id }, "listen attempt failed"))
          .finally(() => {
            inFlight.delete(attempt);
            poke();
          });
        inFlight.add(attempt);
      }
      if (signal.aborted) break;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_INTERVAL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    clearInterval(heartbeat);
    signalEmitter.off("due", poke);
    // Answers that can no longer come: each attempt is recorded as a failed connection and retried on schedule.
    for (const [id, waiter] of state().waiters) {
      if (waiter.endpointId === endpointId && streamOwns(post, id)) waiter.reject(new TransportError("connection_failed", "The listen CLI disconnected before answering"));
    }
    await Promise.allSettled(inFlight);
    await unlisten?.().catch(() => {});
    await unlistenResults().catch(() => {});
    const left = (streams.get(endpointId) ?? 1) - 1;
    if (left > 0) streams.set(endpointId, left);
    else {
      streams.delete(endpointId);
      await markDisconnected(db, endpointId, now()).catch((error: unknown) => logger.warn({ err: error, endpointId }, "marking a listen endpoint disconnected failed"));
    }
    state().stops.delete(stop);
  }
}

/** Ids of the attempts each stream's post function forwarded (to fail only its own on disconnect). */
const forwardedBy = new WeakMap<PostFunction, Set<string>>();
const streamOwns = (post: PostFunction, id: string) => forwardedBy.get(post)?.has(id) ?? false;

/**
 * The PostFunction of one stream: sends the signed request down it as a `delivery` event and
 * resolves with the CLI's answer as the exchange; throws TransportError `timeout` when no answer
 * comes in time, `connection_failed` when the CLI could not reach its local server or went away.
 */
function streamPost(endpointId: string, send: ListenStreamOptions["send"], signal: AbortSignal): PostFunction {
  const ids = new Set<string>();
  const post: PostFunction = async (request) => {
    if (signal.aborted) throw new TransportError("connection_failed", "The listen CLI disconnected");
    const id = newId("lsn");
    ids.add(id);
    const forwarded: ForwardedAttempt = { id, deliveryId: request.headers["webhook-id"] ?? "", eventType: request.headers["x-webhook-event"] ?? "", headers: request.headers, body: request.body };
    const started = performance.now();
    try {
      const answer = await new Promise<ListenAnswer>((resolve, reject) => {
        const timer = setTimeout(() => {
          state().waiters.delete(id);
          reject(new TransportError("timeout", `The listen CLI did not answer within ${LISTEN_ANSWER_TIMEOUT_MS / 1000} s`));
        }, LISTEN_ANSWER_TIMEOUT_MS);
        state().waiters.set(id, {
          endpointId,
          resolve: (value) => {
            clearTimeout(timer);
            state().waiters.delete(id);
            resolve(value);
          },
          reject: (error) => {
            clearTimeout(timer);
            state().waiters.delete(id);
            reject(error);
          },
        });
        send("delivery", JSON.stringify(forwarded));
      });
      return toExchange(answer, performance.now() - started);
    } finally {
      ids.delete(id);
    }
  };
  forwardedBy.set(post, ids);
  return post;
}

/** The CLI's answer as the transport's exchange; a failed local request as the TransportError it stands for. */
function toExchange(answer: ListenAnswer, elapsedMs: number): TransportResponse {
  if ("error" in answer) throw new TransportError(answer.error.code, `On the developer's machine: ${answer.error.message}`);
  const body = answer.body ?? "";
  const bytes = Buffer.from(body, "utf8");
  const truncated = bytes.length > RESPONSE_BODY_CAP_BYTES;
  return {
    status: answer.status,
    headers: Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    body: truncated ? bytes.subarray(0, RESPONSE_BODY_CAP_BYTES).toString("utf8") : body,
    bodyTruncated: truncated,
    // The local exchange's own time as the CLI measured it, never more than we waited.
    durationMs: Math.round(Math.min(Math.max(answer.durationMs, 0), elapsedMs)),
  };
}

/**
 * Takes the CLI's answer for a forwarded attempt. Answered here when this process holds the
 * stream; otherwise stored for the process that does, which a NOTIFY wakes. Throws
 * WebhookNotFoundError for an endpoint that is not a listen endpoint of the organization.
 * Returns whether this process held the attempt (an unknown or late answer is kept for a
 * minute, then dropped: the attempt has been recorded as timed out by then).
 */
export async function receiveListenAnswer(options: { organizationId: string; endpointId: string; answer: ListenAnswer; prisma?: DbClient }): Promise<{ local: boolean }> {
  const db = options.prisma ?? sharedPrisma;
  await findListenEndpoint(db, options.organizationId, options.endpointId);
  const waiter = state().waiters.get(options.answer.id);
  if (waiter && waiter.endpointId === options.endpointId) {
    waiter.resolve(options.answer);
    return { local: true };
  }
  await db.listenResult.upsert({
    where: { id: options.answer.id },
    create: { id: options.answer.id, endpointId: options.endpointId, result: JSON.stringify(options.answer) },
    update: {},
  });
  await db.$executeRawUnsafe(`SELECT pg_notify('${RESULT_CHANNEL}', '')`);
  return { local: false };
}

/** While a stream is open in this process: on every NOTIFY, takes the stored answers meant for its waiting attempts. */
async function subscribeToAnswers(db: DbClient): Promise<() => Promise<void>> {
  const collect = async () => {
    const waiting = [...state().waiters].map(([id, waiter]) => ({ id, endpointId: waiter.endpointId }));
    if (waiting.length === 0) return;
    const rows = await db.$queryRawUnsafe<{ id: string; endpointId: string; result: string }[]>(
      `DELETE FROM "ListenResult" WHERE "id" = ANY($1::text[]) RETURNING "id", "endpointId", "result"`,
      waiting.map((entry) => entry.id),
    );
    for (const row of rows) {
      const waiter = state().waiters.get(row.id);
      if (waiter && waiter.endpointId === row.endpointId) waiter.resolve(JSON.parse(row.result) as ListenAnswer);
    }
  };
  const onNotify = () => void collect().catch((error: unknown) => logger.warn({ err: error }, "reading listen answers failed"));
  return getDatabase()
    .listen(RESULT_CHANNEL, onNotify)
    .catch((error: unknown) => {
      logger.warn({ err: error }, "LISTEN for listen answers failed");
      return async () => {};
    });
}

/**
 * Leases up to `limit` due deliveries of one listen endpoint for a stream (the
 * workers' claim skips these endpoints). Open circuits hold them as anywhere else.
 */
export async function claimListenDeliveries(db: DbClient, input: { endpointId: string; limit: number; workerId: string; now: Date }): Promise<LoadedDelivery[]> {
  const leaseUntil = new Date(input.now.getTime() + LISTEN_LEASE_SECONDS * 1000);
  const rows = await db.$queryRawUnsafe<LeasedRow[]>(
    `WITH chosen AS (
       SELECT d."id", d."endpointId", d."eventId"
         FROM "WebhookDelivery" d
        WHERE d."endpointId" = $1 AND d."status" = 'pending' AND d."nextAttemptAt" <= $2::timestamp(3)
          AND EXISTS (SELECT 1 FROM "WebhookEndpoint" k WHERE k."id" = $1 AND k."kind" = 'cli')
          AND (d."leaseExpiresAt" IS NULL OR d."leaseExpiresAt" <= $2::timestamp(3))
          AND NOT EXISTS (SELECT 1 FROM "WebhookCircuit" oc WHERE oc."key" = d."endpointId"
                           AND ((oc."state" = 'open' AND oc."probeAt" > $2::timestamp(3))
                             OR (oc."state" = 'half_open' AND oc."probeLeaseUntil" > $2::timestamp(3))))
        ORDER BY d."nextAttemptAt"
        LIMIT $3
        FOR UPDATE OF d SKIP LOCKED
     )
     ${LEASE_CHOSEN}`,
    input.endpointId,
    sqlTime(input.now),
    input.limit,
    input.workerId,
    sqlTime(leaseUntil),
  );
  return rows.map(toLoadedDelivery);
}

/** Disabled without cancelling anything: the endpoint's pending deliveries wait for the next stream. */
async function markDisconnected(db: DbClient, endpointId: string, now: Date): Promise<void> {
  await db.webhookEndpoint.updateMany({
    where: { id: endpointId, kind: "cli" },
    data: { status: "disabled", disabledReason: LISTEN_DISCONNECTED_REASON, disabledAt: now, lastDisabledAt: now, listenSeenAt: now },
  });
}

/**
 * Maintenance (once across workers): disables listen endpoints still marked connected that no
 * process has seen for {@link LISTEN_STALE_AFTER_MS} (their web process died), deletes those not
 * seen for {@link LISTEN_DELETE_AFTER_MS} with their deliveries, and drops answers nobody took.
 */
export async function sweepListenEndpoints(options: { prisma?: DbClient; now?: () => Date } = {}): Promise<{ disconnected: number; deleted: number }> {
  const db = options.prisma ?? sharedPrisma;
  const now = (options.now ?? (() => new Date()))();
  const staleBefore = new Date(now.getTime() - LISTEN_STALE_AFTER_MS);
  const stale = await db.webhookEndpoint.findMany({ where: { kind: "cli", status: "active", OR: [{ listenSeenAt: null }, { listenSeenAt: { lt: staleBefore } }] }, select: { id: true } });
  const local = state().streams;
  let disconnected = 0;
  for (const { id } of stale) {
    if (local.has(id)) continue;
    await markDisconnected(db, id, now);
    disconnected += 1;
  }
  const deleteBefore = new Date(now.getTime() - LISTEN_DELETE_AFTER_MS);
  const expired = await db.webhookEndpoint.findMany({
    where: { kind: "cli", status: "disabled", OR: [{ listenSeenAt: null, createdAt: { lt: deleteBefore } }, { listenSeenAt: { lt: deleteBefore } }] },
    select: { id: true },
  });
  const ids = expired.map((row) => row.id).filter((id) => !local.has(id));
  // Deliveries and attempts go with the endpoint (cascade); circuits are keyed by its id.
  const deleted = await db.webhookEndpoint.deleteMany({ where: { id: { in: ids } } });
  await db.webhookCircuit.deleteMany({ where: { key: { in: ids } } });
  await db.listenResult.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - 60_000) } } });
  return { disconnected, deleted: deleted.count };
}
