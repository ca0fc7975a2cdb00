import { seededRandom } from "./random";
import type { Responder } from "./receiver";

/** One request to the ordered receiver: which event of which key, and what it was answered. */
export interface OrderedArrival {
  key: string;
  n: number;
  status: number;
  webhookId: string;
}

/**
 * A receiver for ordered deliveries whose events carry `data: { key, n }`. It answers
 * 500 to about `failureRate` of the requests at random (never more than
 * `maxFailuresInARow` in a row, so the endpoint's circuit stays closed), holds each
 * request `holdMs` so attempts overlap, and records every arrival, the most requests
 * of one key in flight at once, and the most of all keys at once.
 */
export function orderedReceiver(options: { failureRate?: number; seed?: number; holdMs?: number; maxFailuresInARow?: number } = {}) {
  const random = seededRandom(options.seed ?? 1);
  const failureRate = options.failureRate ?? 0.25;
  const maxInARow = options.maxFailuresInARow ?? 3;
  const arrivals: OrderedArrival[] = [];
  const inFlight = new Map<string, number>();
  let failuresInARow = 0;
  let concurrent = 0;
  const peaks = { perKey: 0, overall: 0 };
  const responder: Responder = async (request, _index, res) => {
    const { data } = JSON.parse(request.body) as { data: { key: string; n: number } };
    const keyInFlight = (inFlight.get(data.key) ?? 0) + 1;
    inFlight.set(data.key, keyInFlight);
    concurrent++;
    peaks.perKey = Math.max(peaks.perKey, keyInFlight);
    peaks.overall = Math.max(peaks.overall, concurrent);
    const fail = failuresInARow < maxInARow && random() < failureRate;
    failuresInARow = fail ? failuresInARow + 1 : 0;
    const status = fail ? 500 : 200;
    arrivals.push({ key: data.key, n: data.n, status, webhookId: String(request.headers["webhook-id"]) });
    await new Promise((resolve) => setTimeout(resolve, options.holdMs ?? 5));
    inFlight.set(data.key, (inFlight.get(data.key) ?? 1) - 1);
    concurrent--;
    res.writeHead(status);
    res.end();
  };
  return { responder, arrivals, peaks };
}

/**
 * Checks arrivals against ordered delivery: per key, no attempt of event n+1 before
 * event n was accepted (2xx), none after, and every event 0…count-1 accepted. Returns
 * the violations found (empty when ordered).
 */
export function orderViolations(arrivals: readonly OrderedArrival[], keys: readonly string[], count: number): string[] {
  const violations: string[] = [];
  for (const key of keys) {
    let accepted = -1;
    for (const arrival of arrivals.filter((candidate) => candidate.key === key)) {
      if (arrival.n <= accepted) violations.push(`${key}: event ${arrival.n} attempted again after it was accepted`);
      else if (arrival.n !== accepted + 1) violations.push(`${key}: event ${arrival.n} attempted before event ${accepted + 1} was accepted`);
      else if (arrival.status >= 200 && arrival.status < 300) accepted = arrival.n;
    }
    if (accepted !== count - 1) violations.push(`${key}: accepted up to event ${accepted} of ${count - 1}`);
  }
  return violations;
}

/**
 * Watches for the one thing parking must never leave behind (lib/webhooks/ordering.ts):
 * a queue whose head has no due time. A head is parked for an instant between a
 * write's commit and its check after commit, so only one seen parked on three polls
 * in a row (about 300 ms) counts. `stop()` returns the ids stuck that long.
 */
export function watchParkedHeads(query: (sql: string) => Promise<{ id: string }[]>, everyMs = 100): { stop(): Promise<string[]> } {
  const seen = new Map<string, number>();
  const stuck = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const heads = await query(
        `SELECT h."id" FROM (SELECT DISTINCT ON ("endpointId", "orderingKey") "id", "nextAttemptAt" FROM "WebhookDelivery"
                            WHERE "status" = 'pending' AND "orderingKey" IS NOT NULL ORDER BY "endpointId", "orderingKey", "orderSeq") h
          WHERE h."nextAttemptAt" IS NULL`,
      );
      const now = new Set(heads.map((head) => head.id));
      for (const id of [...seen.keys()]) if (!now.has(id)) seen.delete(id);
      for (const id of now) {
        const count = (seen.get(id) ?? 0) + 1;
        seen.set(id, count);
        if (count >= 3) stuck.add(id);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...stuck];
    },
  };
}
