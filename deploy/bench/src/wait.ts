import { setTimeout as sleep } from 'node:timers/promises';
import { NotReached } from './errors';

/** Polls `check` every 100 ms until it holds; NotReached names `what` when `timeoutMs` passes first. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new NotReached(what, timeoutMs);
    await sleep(100);
  }
}
