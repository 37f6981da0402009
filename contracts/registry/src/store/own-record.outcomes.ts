/**
 * What applying each of an instance's own log records did, handed to the writer waiting for it. A record
 * may be applied before its writer starts waiting (the outcome is kept until asked for) or after the
 * writer gave up (the outcome is dropped, so nothing accumulates).
 */
export class OwnRecordOutcomes<T> {
  private readonly outcomes = new Map<bigint, T>();
  private readonly waiters = new Map<bigint, (outcome: T) => void>();
  private readonly abandoned = new Set<bigint>();

  /** The outcome of the own record at `offset`; rejects with `timeout()` when it is not applied within `timeoutMs`. */
  wait(offset: bigint, timeoutMs: number, timeout: () => Error): Promise<T> {
    if (this.outcomes.has(offset)) {
      const known = this.outcomes.get(offset) as T;
      this.outcomes.delete(offset);
      return Promise.resolve(known);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(offset);
        this.abandoned.add(offset);
        reject(timeout());
      }, timeoutMs);
      this.waiters.set(offset, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
    });
  }

  /** Records what applying the own record at `offset` did. */
  settle(offset: bigint, outcome: T): void {
    if (this.abandoned.delete(offset)) return;
    const waiter = this.waiters.get(offset);
    if (!waiter) {
      this.outcomes.set(offset, outcome);
      return;
    }
    this.waiters.delete(offset);
    waiter(outcome);
  }
}
