import type { KafkaProducerPort, OutgoingRecord } from '@fieldmesh/kafka';
import { decodeEnvelope, type Envelope } from '../buffer/envelope';
import type { BufferedRecord, SegmentLog } from '../buffer/segment-log';
import { READING_ID_HEADER, RECEIVED_TIME_HEADER } from '../ingest/reading.identity';
import { backoffMs, sleep } from '../runtime/backoff';
import { buildForwardDeadLetter, DEAD_LETTER_EVIDENCE_BYTES, type RefusedRecord } from './dead-letter.builder';
import { DeadLetterRefused, RecordRefusedByKafka, UplinkStalled } from './errors';
import { classifyProduceError } from './produce-error.classifier';

export interface ForwarderOptions {
  /** Records per Kafka send. */
  batchRecords: number;
  /** How long to wait for new records when the buffer is drained. */
  idleWaitMs: number;
  /** Runs (and is retried with backoff) before the first send, and again after Kafka reported a topic missing: connect, create topics. */
  prepare: () => Promise<void>;
  /**
   * How long one send may wait on Kafka before the uplink counts as down (default 10 s): the producer retries
   * a send until its delivery timeout (Kafka's 120 s), and an outage must not hold the sources back that long
   * (caughtUp lets them write to the disk buffer at once while the uplink is down).
   */
  uplinkStallMs?: number;
  clock?: () => number;
}

const DEFAULT_UPLINK_STALL_MS = 10_000;

export interface ForwarderEvents {
  /** Readings Kafka acknowledged (a batch record counts its readings), dead-lettered ones included (they are forwarded, to the DLQ topic). */
  onForwarded(count: number, oldestReceivedAgeMs: number): void;
  onUplinkChange(up: boolean, error?: unknown): void;
  /** Kafka refused a record for good; it went to the dead-letter topic. `connector` is the source it came from. */
  onDeadLettered(refusal: RecordRefusedByKafka, connector: string | undefined): void;
  /** The disk buffer failed a read or a checkpoint write: reads are retried with backoff, checkpoints on the next commit. */
  onBufferError(error: unknown): void;
}

/** How far one attempt at a batch got: its first `settled` records are in Kafka; `error` stopped the rest. */
interface Progress {
  settled: number;
  error?: unknown;
}

/**
 * Drains the disk buffer to Kafka in sequence order. A batch is committed in the buffer only after Kafka
 * acknowledged all of it (acks=all); when Kafka is unreachable the same batch is resent with backoff, so
 * per-source order holds and nothing acknowledged to a source is lost. After a crash the unconfirmed tail
 * is resent: duplicates carry the same (gateway, sequence).
 *
 * A record Kafka refuses for good (too large, not authorised, invalid: see produce-error.classifier.ts)
 * must not halt the uplink: the batch is sent again one record at a time, in order, and each refused
 * record goes to the dead-letter topic with the reason and a bounded part of its value. Records of the
 * batch that had reached Kafka before the refusal are sent again (duplicates, same sequence).
 */
export class Forwarder {
  private running?: Promise<void>;
  private readonly stop = new AbortController();
  private wake?: () => void;
  private uplinkUp = true;
  private prepared = false;
  private readonly clock: () => number;
  /** Sources waiting in caughtUp() for the forwarder to make progress. */
  private waiters: Array<() => void> = [];

  constructor(
    private readonly log: SegmentLog,
    private readonly producer: KafkaProducerPort,
    private readonly options: ForwarderOptions,
    private readonly events: ForwarderEvents,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** New records were appended: stop waiting. */
  notify(): void {
    this.wake?.();
  }

  /**
   * Resolves once the buffer holds at most `maxPending` records Kafka has not acknowledged, and at once
   * while Kafka is unreachable (the buffer is there for outages), after close or when `signal` aborts. Sources await it after each
   * batch, so that while Kafka is up the gateway takes in no faster than it forwards: the broker holds the
   * rest (MQTT PUBACKs wait, and with them the publishers' in-flight windows) instead of the disk buffer,
   * and the forwarder gets the event loop between source batches. Without it, ingesting Sparkplug batches of
   * 25,000 readings left the forwarder one send per few batches: 14,366 points/s in, 2,738/s to Kafka.
   */
  async caughtUp(maxPending: number, signal?: AbortSignal): Promise<void> {
    while (this.uplinkUp && !this.stop.signal.aborted && !signal?.aborted && this.log.pending > maxPending) {
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        signal?.addEventListener('abort', done, { once: true });
        this.waiters.push(done);
      });
    }
  }

  private releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const release of waiters) release();
  }

  private async loop(): Promise<void> {
    let next = this.log.stats.committedSeq + 1;
    let failures = 0;
    while (!this.stop.signal.aborted) {
      let batch: BufferedRecord[];
      try {
        batch = await this.log.read(next, this.options.batchRecords);
      } catch (error) {
        this.events.onBufferError(error);
        await sleep(backoffMs(failures++, 200, 5_000), this.stop.signal);
        continue;
      }
      if (batch.length === 0) {
        // Idle: a checkpoint that failed to save (full disk) is written again.
        await this.log.commit(next - 1).catch((error: unknown) => this.events.onBufferError(error));
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.options.idleWaitMs);
        });
        continue;
      }
      const envelopes = batch.map(({ payload }) => decodeEnvelope(payload));
      const progress = await this.forward(batch, envelopes);
      if (progress.settled > 0) {
        const settled = batch.slice(0, progress.settled);
        const last = settled.at(-1)!.seq;
        // The position holds in memory when the checkpoint cannot be saved: forwarding goes on.
        await this.log.commit(last).catch((error: unknown) => this.events.onBufferError(error));
        next = last + 1;
        const oldest = Number(envelopes[0]?.headers[RECEIVED_TIME_HEADER] ?? this.clock());
        this.events.onForwarded(
          settled.reduce((sum, record) => sum + record.sequences, 0),
          this.clock() - oldest,
        );
        this.releaseWaiters();
      }
      if (progress.error !== undefined) {
        this.setUplink(false, progress.error);
        await sleep(backoffMs(failures++, 200, 5_000), this.stop.signal);
        continue;
      }
      failures = 0;
      this.setUplink(true);
    }
  }

  private async forward(batch: BufferedRecord[], envelopes: Envelope[]): Promise<Progress> {
    try {
      if (!this.prepared) {
        await this.options.prepare();
        this.prepared = true;
      }
    } catch (error) {
      return { settled: 0, error };
    }
    try {
      await this.send(envelopes.map(toRecord));
      return { settled: batch.length };
    } catch (error) {
      if (!this.isPermanent(error)) return { settled: 0, error };
    }
    for (let i = 0; i < batch.length; i++) {
      const refused = { seq: batch[i]!.seq, envelope: envelopes[i]! };
      try {
        await this.send([toRecord(refused.envelope)]);
      } catch (error) {
        const failure = classifyProduceError(error);
        if (failure.kind === 'retriable') return { settled: i, error };
        const refusal = new RecordRefusedByKafka(refused.envelope.topic, refused.seq, failure.code, failure.reason, { cause: error });
        try {
          await this.deadLetter(refused, refusal);
        } catch (dlqError) {
          return { settled: i, error: dlqError };
        }
        this.events.onDeadLettered(refusal, refused.envelope.headers['fieldmesh.connector']);
      }
    }
    return { settled: batch.length };
  }

  /** One producer send; the uplink counts as down once it has waited uplinkStallMs (the loop sets it up again after a success). */
  private async send(records: OutgoingRecord[]): Promise<void> {
    const stallMs = this.options.uplinkStallMs ?? DEFAULT_UPLINK_STALL_MS;
    const stalled = setTimeout(() => this.setUplink(false, new UplinkStalled(stallMs)), stallMs);
    try {
      await this.producer.send(records);
    } finally {
      clearTimeout(stalled);
    }
  }

  private isPermanent(error: unknown): boolean {
    const failure = classifyProduceError(error);
    // A missing topic is created again before the next send.
    if (failure.kind === 'retriable' && failure.topicMissing) this.prepared = false;
    return failure.kind === 'permanent';
  }

  /** Sends the dead letter with bounded evidence, or with none when the DLQ topic refuses even that. */
  private async deadLetter(refused: RefusedRecord, refusal: RecordRefusedByKafka): Promise<void> {
    let last: unknown;
    let topic = '';
    for (const evidenceBytes of [DEAD_LETTER_EVIDENCE_BYTES, 0]) {
      const letter = buildForwardDeadLetter(refused, refusal, evidenceBytes, this.clock());
      topic = letter.topic;
      try {
        await this.send([letter]);
        return;
      } catch (error) {
        last = error;
        if (!this.isPermanent(error)) break;
      }
    }
    throw new DeadLetterRefused(topic, refused.seq, { cause: last });
  }

  private setUplink(up: boolean, error?: unknown): void {
    if (up === this.uplinkUp) return;
    this.uplinkUp = up;
    if (!up) this.releaseWaiters();
    this.events.onUplinkChange(up, error);
  }

  get uplink(): boolean {
    return this.uplinkUp;
  }

  /** Stops after the batch in flight; idempotent. */
  async close(): Promise<void> {
    this.stop.abort();
    this.wake?.();
    this.releaseWaiters();
    await this.running;
  }
}

/**
 * Headers only the gateway reads, from its own buffer (the reading id recognises a redelivery after a
 * restart; the receive time dates the forward lag): not sent, as the record's body carries the receive time
 * and every header costs the producer, the broker and each consumer per record.
 */
const BUFFER_ONLY_HEADERS = new Set([READING_ID_HEADER, RECEIVED_TIME_HEADER]);

function toRecord(envelope: Envelope): OutgoingRecord {
  const headers: Record<string, string> = {};
  for (const name in envelope.headers) if (!BUFFER_ONLY_HEADERS.has(name)) headers[name] = envelope.headers[name]!;
  return { topic: envelope.topic, key: envelope.key, value: envelope.value, headers };
}
