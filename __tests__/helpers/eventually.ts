/**
 * Polls `check` every `everyMs` until it passes; throws, naming `what`, once
 * `timeoutMs` has passed. For waiting on something to happen (a request
 * arrives, a row changes), never for asserting how long it took.
 */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = "condition", everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
