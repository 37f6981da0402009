export type Arrival = 'IN_ORDER' | 'OUT_OF_ORDER' | 'LATE';

/**
 * Event-time order per series (asset and signal): a reading older than the newest accepted one of its
 * series is OUT_OF_ORDER, and LATE once it is older by more than the allowed lateness (windowed consumers
 * have closed its window by then). Memory is one number per series, bounded by the plant's size.
 */
export class ArrivalTracker {
  private readonly newest = new Map<string, number>();

  constructor(private readonly allowedLatenessMs: number) {}

  classify(assetPath: string, signal: string, eventTime: number): Arrival {
    const newest = this.newest.get(seriesOf(assetPath, signal));
    if (newest === undefined || eventTime >= newest) return 'IN_ORDER';
    return newest - eventTime > this.allowedLatenessMs ? 'LATE' : 'OUT_OF_ORDER';
  }

  /** Records an accepted reading; rejected ones do not move their series (a bogus timestamp stays harmless). */
  accept(assetPath: string, signal: string, eventTime: number): void {
    const series = seriesOf(assetPath, signal);
    const newest = this.newest.get(series);
    if (newest === undefined || eventTime > newest) this.newest.set(series, eventTime);
  }
}

function seriesOf(assetPath: string, signal: string): string {
  return `${assetPath}\u0000${signal}`;
}
