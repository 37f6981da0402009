/** The statistics of one signal over one window, as `asset-health.features.v1` carries them. */
export interface SignalFeatures {
  signal: string;
  unit: string;
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  rms: number;
  /** Least-squares slope of value over event time, in unit per second. */
  slope: number;
}

/** The per-signal statistics in the order of the Avro record; model cards name features `<signal>.<stat>`. */
export const SIGNAL_STATISTICS = ['mean', 'std', 'min', 'max', 'rms', 'slope'] as const;
export type SignalStatistic = (typeof SIGNAL_STATISTICS)[number];

/**
 * Running sums of one signal in one window, so a window holds six numbers per signal however many
 * readings arrive. Times are taken relative to the window start, which keeps the slope's sums small
 * enough for doubles to stay exact.
 */
export class SignalStats {
  private count = 0;
  private sum = 0;
  private sumSquares = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private sumTime = 0;
  private sumTimeSquares = 0;
  private sumTimeValue = 0;

  constructor(
    readonly signal: string,
    readonly unit: string,
    private readonly originMs: number,
  ) {}

  add(timeMs: number, value: number): void {
    const t = (timeMs - this.originMs) / 1000;
    this.count += 1;
    this.sum += value;
    this.sumSquares += value * value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.sumTime += t;
    this.sumTimeSquares += t * t;
    this.sumTimeValue += t * value;
  }

  get size(): number {
    return this.count;
  }

  /** Sample standard deviation (n − 1); 0 for a single reading. The slope is 0 when time does not vary. */
  features(): SignalFeatures {
    const n = this.count;
    const mean = this.sum / n;
    const variance = n > 1 ? Math.max(0, (this.sumSquares - n * mean * mean) / (n - 1)) : 0;
    const timeSpread = this.sumTimeSquares - (this.sumTime * this.sumTime) / n;
    const slope = n > 1 && timeSpread > 1e-12 ? (this.sumTimeValue - (this.sumTime * this.sum) / n) / timeSpread : 0;
    return {
      signal: this.signal,
      unit: this.unit,
      count: n,
      mean,
      std: Math.sqrt(variance),
      min: this.min,
      max: this.max,
      rms: Math.sqrt(this.sumSquares / n),
      slope,
    };
  }
}
