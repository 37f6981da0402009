/** Buckets per window: the count is exact to 1/BUCKETS of the window at its trailing edge. */
const BUCKETS = 120;

/**
 * Counts arrivals in a sliding window of wall-clock time with a fixed number of buckets, so memory per
 * scope stays bounded at any rate (a product can bring thousands of records a second).
 */
export class ArrivalCounter {
  private readonly bucketMs: number;
  /** [bucket start, count], oldest first. */
  private readonly buckets: Array<[number, number]> = [];

  constructor(private readonly windowMs: number) {
    this.bucketMs = Math.max(1, Math.floor(windowMs / BUCKETS));
  }

  add(atMs: number, count = 1): void {
    const start = atMs - (atMs % this.bucketMs);
    const last = this.buckets.at(-1);
    // A clock that steps back counts in the newest bucket rather than reordering the buckets.
    if (last && last[0] >= start) last[1] += count;
    else this.buckets.push([start, count]);
  }

  /**
   * Arrivals in the window ending at `nowMs`; forgets older buckets. The bucket straddling the window's
   * start is left out whole, so a burst leaves the count at one instant rather than flickering in and out.
   */
  count(nowMs: number): number {
    const from = nowMs - this.windowMs;
    while (this.buckets.length > 0 && this.buckets[0]![0] <= from) this.buckets.shift();
    return this.buckets.reduce((sum, [, count]) => sum + count, 0);
  }
}
