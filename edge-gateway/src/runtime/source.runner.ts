import type { Source, SourceBatch } from '@fieldmesh/connect';
import { backoffMs, sleep } from './backoff';

export interface SourceRunnerEvents {
  onBatch(batch: SourceBatch): Promise<void>;
  /** Awaited after a batch is acknowledged and before the next read: the gateway's backpressure on sources. */
  beforeNextRead?(signal: AbortSignal): Promise<void>;
  onConnected(up: boolean, error?: unknown): void;
  onReconnect(): void;
}

/**
 * Owns a source's lifecycle: connect, read batches, hand each to the gateway and ack it once it is
 * durable; on any failure nack, close, and connect a fresh instance with backoff (sources hold no retry
 * loops, and a closed source is never reused).
 */
export class SourceRunner {
  private readonly stop = new AbortController();
  private running?: Promise<void>;
  private source?: Source;

  constructor(
    readonly name: string,
    private readonly createSource: () => Source,
    private readonly events: SourceRunnerEvents,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  private async loop(): Promise<void> {
    for (let attempt = 0; !this.stop.signal.aborted;) {
      const source = this.createSource();
      this.source = source;
      try {
        await source.connect();
        attempt = 0;
        this.events.onConnected(true);
        while (!this.stop.signal.aborted) {
          const batch = await source.read(this.stop.signal);
          try {
            await this.events.onBatch(batch);
          } catch (error) {
            await batch.nack(error instanceof Error ? error : new Error(String(error)));
            throw error;
          }
          await batch.ack();
          await this.events.beforeNextRead?.(this.stop.signal);
        }
      } catch (error) {
        await source.close().catch(() => undefined);
        if (this.stop.signal.aborted) break;
        this.events.onConnected(false, error);
        this.events.onReconnect();
        await sleep(backoffMs(attempt++, 250, 15_000), this.stop.signal);
      }
    }
  }

  /** Drops the source's connection (an operator's reconnect): the loop connects a fresh one, as after any failure. */
  async reconnect(): Promise<void> {
    await this.source?.close();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.source?.close();
    await this.running;
  }
}
