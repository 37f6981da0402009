/** Summary of a latency sample, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The q-th percentile (0..100) by the nearest-rank method: the smallest sample with at least q% of the
 * samples at or below it. Every result is a value that was measured, so a p99 is never an interpolation
 * between two latencies nobody saw. `sorted` must be in ascending order.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty sample: nothing was measured');
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${q}`);
  const rank = Math.max(1, Math.ceil((q / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const values = Array.from(sorted);
  const total = values.reduce((sum, value) => sum + value, 0);
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.at(-1)!,
    mean: total / values.length,
  };
}

/** A cumulative counter read at a moment (milliseconds on one monotonic clock). */
export interface CounterSample {
  atMs: number;
  count: number;
}

/** Items per second between two readings of one cumulative counter. */
export function ratePerSecond(from: CounterSample, to: CounterSample): number {
  const seconds = (to.atMs - from.atMs) / 1000;
  if (seconds <= 0) throw new RangeError(`a rate needs a later second reading (from ${from.atMs} ms to ${to.atMs} ms)`);
  return (to.count - from.count) / seconds;
}

/** `part` as a whole percentage of `whole`, or undefined when there is nothing to compare with. */
export function percentOf(part: number, whole: number): number | undefined {
  return whole > 0 ? Math.round((100 * part) / whole) : undefined;
}
