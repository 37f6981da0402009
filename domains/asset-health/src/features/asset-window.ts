import type { AssetFeatures } from './asset-features';
import { SignalStats } from './signal.stats';

/** A numeric reading as the features need it; text signals and readings without a value never get here. */
export interface NumericReading {
  assetPath: string;
  signal: string;
  unit: string;
  value: number;
  timeMs: number;
}

/** The readings of one asset in one tumbling window, reduced to running sums per signal. */
export class AssetWindow {
  private readonly signals = new Map<string, SignalStats>();
  private readings = 0;

  constructor(
    readonly assetPath: string,
    readonly assetClass: string,
    readonly startMs: number,
    readonly endMs: number,
  ) {}

  add(reading: NumericReading): void {
    let stats = this.signals.get(reading.signal);
    if (!stats) {
      stats = new SignalStats(reading.signal, reading.unit, this.startMs);
      this.signals.set(reading.signal, stats);
    }
    stats.add(reading.timeMs, reading.value);
    this.readings += 1;
  }

  /** Signals sorted by name so that equal input gives an identical record (sinks dedupe re-emitted windows). */
  features(): AssetFeatures {
    return {
      assetPath: this.assetPath,
      assetClass: this.assetClass,
      windowStart: new Date(this.startMs),
      windowEnd: new Date(this.endMs),
      readingCount: this.readings,
      signals: [...this.signals.values()].sort((a, b) => a.signal.localeCompare(b.signal)).map((stats) => stats.features()),
    };
  }
}
