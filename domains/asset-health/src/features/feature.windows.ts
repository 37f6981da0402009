import type { AssetFeatures } from './asset-features';
import { AssetWindow, type NumericReading } from './asset-window';

export interface FeatureWindowsOptions {
  windowMs: number;
  /** How far behind the newest event time a window stays open for out-of-order readings. */
  allowedLatenessMs: number;
  assetClassOf: (assetPath: string) => string;
}

/**
 * Tumbling event-time windows per asset, aligned to multiples of the window size since the epoch so that
 * every replay cuts the same windows. A window closes once the watermark (newest event time seen minus
 * the allowed lateness) passes its end; a reading for a window already closed is counted as late.
 */
export class FeatureWindows {
  private readonly open = new Map<string, AssetWindow>();
  private watermarkMs = Number.NEGATIVE_INFINITY;
  private late = 0;

  constructor(private readonly options: FeatureWindowsOptions) {}

  /** Adds readings and returns the windows the advancing watermark closed, oldest first. */
  add(readings: Iterable<NumericReading>): AssetFeatures[] {
    let newest = this.watermarkMs + this.options.allowedLatenessMs;
    for (const reading of readings) {
      const startMs = Math.floor(reading.timeMs / this.options.windowMs) * this.options.windowMs;
      if (startMs + this.options.windowMs <= this.watermarkMs) {
        this.late += 1;
        continue;
      }
      const key = `${reading.assetPath}\u0000${startMs}`;
      let window = this.open.get(key);
      if (!window) {
        window = new AssetWindow(reading.assetPath, this.options.assetClassOf(reading.assetPath), startMs, startMs + this.options.windowMs);
        this.open.set(key, window);
      }
      window.add(reading);
      if (reading.timeMs > newest) newest = reading.timeMs;
    }
    this.watermarkMs = Math.max(this.watermarkMs, newest - this.options.allowedLatenessMs);
    return this.close((window) => window.endMs <= this.watermarkMs);
  }

  /** Closes every open window, e.g. at the end of a recording. */
  flush(): AssetFeatures[] {
    return this.close(() => true);
  }

  /** Readings that arrived after their window had closed. */
  get lateReadings(): number {
    return this.late;
  }

  /** Event time of the oldest reading still held in an open window; offsets before it are safe to commit. */
  get oldestOpenMs(): number | undefined {
    let oldest: number | undefined;
    for (const window of this.open.values()) if (oldest === undefined || window.startMs < oldest) oldest = window.startMs;
    return oldest;
  }

  private close(shouldClose: (window: AssetWindow) => boolean): AssetFeatures[] {
    const closed: AssetWindow[] = [];
    for (const [key, window] of this.open) {
      if (shouldClose(window)) {
        closed.push(window);
        this.open.delete(key);
      }
    }
    closed.sort((a, b) => a.endMs - b.endMs || a.assetPath.localeCompare(b.assetPath));
    return closed.map((window) => window.features());
  }
}
