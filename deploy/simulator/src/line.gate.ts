import { linePathOf } from './plant.model';
import type { BatchSource, TimedBatch } from './tick.runner';

/**
 * Takes lines off the air: readings of a stopped line's assets leave no output (MQTT JSON, Sparkplug,
 * OPC UA), as when a line's network or PLC goes down, while its physics keeps running, so a resumed line
 * publishes its present values rather than a backlog.
 */
export class LineGate implements BatchSource {
  private readonly stopped = new Set<string>();

  constructor(private readonly source: BatchSource) {}

  stop(linePath: string): void {
    this.stopped.add(linePath);
  }

  resume(linePath: string): void {
    this.stopped.delete(linePath);
  }

  stoppedLines(): string[] {
    return [...this.stopped].sort();
  }

  next(): TimedBatch | undefined {
    const batch = this.source.next();
    if (!batch || this.stopped.size === 0) return batch;
    return { timestampMs: batch.timestampMs, readings: batch.readings.filter((reading) => !this.stopped.has(linePathOf(reading.asset))) };
  }
}
