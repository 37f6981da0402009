import type { KafkaProducerPort, OutgoingRecord } from '@fieldmesh/kafka';
import { decodeEnvelope } from '../buffer/envelope';
import type { SegmentLog } from '../buffer/segment-log';
import { backoffMs, sleep } from '../runtime/backoff';

export interface ForwarderOptions {
  /** Records per Kafka send. */
  batchRecords: number;
  /** How long to wait for new records when the buffer is drained. */
  idleWaitMs: number;
  /** Runs (and is retried with backoff) before the first send: connect, create topics. */
  prepare: () => Promise<void>;
}

export interface ForwarderEvents {
  onForwarded(count: number, oldestReceivedAgeMs: number): void;
  onUplinkChange(up: boolean, error?: unknown): void;
}

/**
 * Drains the disk buffer to Kafka in sequence order. A batch is committed in the buffer only after Kafka
 * acknowledged all of it (acks=all); when Kafka is unreachable the same batch is resent with backoff, so
 * per-source order holds and nothing acknowledged to a source is lost. After a crash the unconfirmed tail
 * is resent: duplicates carry the same (gateway, sequence).
 */
export class Forwarder {
  private running?: Promise<void>;
  private readonly stop = new AbortController();
  private wake?: () => void;
  private uplinkUp = true;
  private prepared = false;

  constructor(
    private readonly log: SegmentLog,
    private readonly producer: KafkaProducerPort,
    private readonly options: ForwarderOptions,
    private readonly events: ForwarderEvents,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** New records were appended: stop waiting. */
  notify(): void {
    this.wake?.();
  }

  private async loop(): Promise<void> {
    let next = this.log.stats.committedSeq + 1;
    let failures = 0;
    while (!this.stop.signal.aborted) {
      const batch = await this.log.read(next, this.options.batchRecords);
      if (batch.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.options.idleWaitMs);
        });
        continue;
      }
      const records: OutgoingRecord[] = batch.map(({ payload }) => {
        const envelope = decodeEnvelope(payload);
        return { topic: envelope.topic, key: envelope.key, value: envelope.value, headers: envelope.headers };
      });
      try {
        if (!this.prepared) {
          await this.options.prepare();
          this.prepared = true;
        }
        await this.producer.send(records);
      } catch (error) {
        this.setUplink(false, error);
        await sleep(backoffMs(failures++, 200, 5_000), this.stop.signal);
        continue;
      }
      failures = 0;
      this.setUplink(true);
      const last = batch.at(-1)!.seq;
      await this.log.commit(last);
      next = last + 1;
      const oldest = Number(records[0]?.headers?.['fieldmesh.received-time'] ?? Date.now());
      this.events.onForwarded(batch.length, Date.now() - oldest);
    }
  }

  private setUplink(up: boolean, error?: unknown): void {
    if (up === this.uplinkUp) return;
    this.uplinkUp = up;
    this.events.onUplinkChange(up, error);
  }

  get uplink(): boolean {
    return this.uplinkUp;
  }

  /** Stops after the batch in flight; idempotent. */
  async close(): Promise<void> {
    this.stop.abort();
    this.wake?.();
    await this.running;
  }
}
