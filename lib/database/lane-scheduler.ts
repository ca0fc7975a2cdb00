import { currentLane, type Lane } from "@/lib/database/priority";

/**
 * After this many interactive operations in a row, a waiting background operation goes next:
 * the worker keeps delivering (slower) under a steady stream of requests instead of stopping.
 */
export const INTERACTIVE_BEFORE_BACKGROUND = 8;

/**
 * Runs operations one at a time on a single-session database, choosing the next one by lane:
 * a waiting interactive operation before a waiting background one, except that every
 * `interactiveBeforeBackground`-th choice goes to background work when some waits. The order
 * within a lane is first come, first served. (Hand-written: the queue libraries with priorities
 * are ESM-only or have no anti-starvation rule, and this is the whole of it.)
 */
export class LaneScheduler {
  readonly #waiting: Record<Lane, (() => void)[]> = { interactive: [], background: [] };
  readonly #interactiveBeforeBackground: number;
  #busy = false;
  #interactiveStreak = 0;

  constructor(options: { interactiveBeforeBackground?: number } = {}) {
    this.#interactiveBeforeBackground = options.interactiveBeforeBackground ?? INTERACTIVE_BEFORE_BACKGROUND;
  }

  /** Runs `work` once every operation chosen before it has settled; resolves or rejects as `work` does. */
  run<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#busy = true;
        let result: Promise<T>;
        try {
          result = work();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(() => {
          this.#busy = false;
          this.#dispatch();
        });
      };
      this.#waiting[lane].push(start);
      if (!this.#busy) this.#dispatch();
    });
  }

  /** Operations waiting in each lane (not counting the one running). */
  waiting(): Record<Lane, number> {
    return { interactive: this.#waiting.interactive.length, background: this.#waiting.background.length };
  }

  #dispatch(): void {
    const { interactive, background } = this.#waiting;
    const backgroundsTurn = background.length > 0 && (interactive.length === 0 || this.#interactiveStreak >= this.#interactiveBeforeBackground);
    if (backgroundsTurn) {
      this.#interactiveStreak = 0;
      background.shift()!();
    } else if (interactive.length > 0) {
      this.#interactiveStreak++;
      interactive.shift()!();
    }
  }
}

/** The part of a PGlite instance the Prisma adapter calls at the top level. */
interface Session {
  query(...args: never[]): Promise<unknown>;
  exec(...args: never[]): Promise<unknown>;
  transaction(...args: never[]): Promise<unknown>;
}

const SCHEDULED_METHODS = new Set<PropertyKey>(["query", "exec", "transaction"]);

/**
 * `client` with its top-level `query`, `exec` and `transaction` run through `scheduler`, each in
 * the lane of the caller's context ({@link currentLane}). A transaction takes one turn for its
 * whole life: the statements inside it go to the transaction object PGlite hands its callback,
 * which holds the session already and never waits in a lane. Everything else passes through.
 */
export function scheduledSession<T extends Session>(client: T, scheduler: LaneScheduler): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (!SCHEDULED_METHODS.has(property) || typeof value !== "function") return value;
      return (...args: unknown[]) => scheduler.run(currentLane(), () => value.apply(target, args));
    },
  });
}
