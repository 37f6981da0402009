/** Polls `check` every 100 ms until it holds; rejects after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Polls `check` every 100 ms until it holds, for as long as `progress` (a count that grows while the work
 * goes on: records forwarded, rows inserted) keeps moving: rejects once it has stood still for `quietMs`,
 * or after `capMs` in all. A drain on a loaded machine or through a broker restart is slow, not stuck.
 */
export async function waitWhileProgressing(
  check: () => boolean | Promise<boolean>,
  progress: () => number | Promise<number>,
  { quietMs, capMs }: { quietMs: number; capMs: number },
): Promise<void> {
  const started = Date.now();
  let last = await progress();
  let movedAt = started;
  while (!(await check())) {
    const now = Date.now();
    const current = await progress();
    if (current !== last) {
      last = current;
      movedAt = now;
    }
    if (now - movedAt > quietMs) throw new Error(`no progress for ${quietMs} ms (at ${current})`);
    if (now - started > capMs) throw new Error(`not reached within ${capMs} ms (at ${current})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
