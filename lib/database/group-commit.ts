/**
 * Group commit: items submitted while a write is in flight are queued and
 * written together by the next write, so many concurrent callers cost a few
 * statements (and commits) instead of one each. A lone item is written at once:
 * no timer, no added delay when idle.
 *
 * `write` gets a batch and returns one outcome per item, in order: a value, or
 * an Error for that item alone. When `write` itself fails, `retry` decides for
 * each item of the batch: a delay in ms to try again — alone, so one item the
 * database refuses cannot sink the others — or undefined to give the caller the
 * error.
 */
export interface GroupCommitOptions {
  /** Most items in one write. */
  maxBatch?: number;
  /** Writes in flight at once. */
  maxWrites?: number;
  retry?: (error: unknown, attempt: { failures: number; alone: boolean; submittedAt: number }) => number | undefined;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
  submittedAt: number;
  failures: number;
}

export function groupCommit<I, O>(write: (items: I[]) => Promise<(O | Error)[]>, options: GroupCommitOptions = {}): (item: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? 200;
  const maxWrites = options.maxWrites ?? 2;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const queue: Pending<I, O>[] = [];
  let writing = 0;

  const failed = (entry: Pending<I, O>, error: unknown, alone: boolean) => {
    entry.failures++;
    const delayMs = options.retry?.(error, { failures: entry.failures, alone, submittedAt: entry.submittedAt });
    if (delayMs === undefined) return entry.reject(error);
    void sleep(delayMs).then(() => {
      queue.push(entry);
      pump();
    });
  };

  const takeBatch = (): Pending<I, O>[] => {
    // An item whose write failed before goes alone; the rest share a write.
    if (queue[0]!.failures > 0) return queue.splice(0, 1);
    const batch: Pending<I, O>[] = [];
    for (let i = 0; i < queue.length && batch.length < maxBatch; ) {
      if (queue[i]!.failures === 0) batch.push(...queue.splice(i, 1));
      else i++;
    }
    return batch;
  };

  const pump = () => {
    while (writing < maxWrites && queue.length > 0) {
      const batch = takeBatch();
      writing++;
      write(batch.map((entry) => entry.item))
        .then(
          (outcomes) =>
            batch.forEach((entry, index) => {
              const outcome = outcomes[index];
              if (outcome instanceof Error) entry.reject(outcome);
              else entry.resolve(outcome as O);
            }),
          (error: unknown) => batch.forEach((entry) => failed(entry, error, batch.length === 1)),
        )
        .finally(() => {
          writing--;
          pump();
        });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject, submittedAt: now(), failures: 0 });
      pump();
    });
}
