import type { LoadedContract } from '@fieldmesh/governance';
import { partitionKey, type PartitionOffset, RecordFailed, type ReplayableState, type StateCheckpoint, type StreamOutput, type StreamRecord } from '@fieldmesh/streams';
import { ContractIncomplete } from '../errors';
import { expandReadingBatch, isReadingBatch } from './raw-batch.expander';
import { type CleanerStats, type RawReading, ReadingCleaner } from './reading.cleaner';

/** Most input positions remembered for a rerun; a batch is at most a few thousand records. */
const MAX_REMEMBERED_POSITIONS = 100_000;

export interface CleanPipelineOptions {
  maxDedupeChunks?: number;
  /** Processing clock (epoch ms) readings are checked against with the contract's maximum clock skew; default Date.now. */
  clock?: () => number;
  /** Topics other than the contract's (its first upstream and its own): for tests and side-by-side runs. */
  inputTopic?: string;
  outputTopic?: string;
}

export interface CleanPipelineStats extends CleanerStats {
  /** Records replayed after a restart or failed batch whose outputs were already acknowledged: skipped. */
  replayed: number;
  dedupeMemory: { gateways: number; chunks: number };
}

/**
 * plant.telemetry.raw.v1 and raw.v2 → plant.telemetry.clean.v1 on the stream runtime: each raw reading (a
 * raw.v1 record, or one reading of a raw.v2 batch) becomes one clean reading, a dropped duplicate, or a
 * dead letter naming the broken rule and the reading.
 *
 * Its deduplication memory is a ReplayableState: when the runtime replays input (a batch whose outputs
 * were not acknowledged, or a restart), readings it had already passed must not now count as duplicates
 * of themselves, and readings whose outputs were acknowledged before must not be emitted twice.
 */
export class CleanPipeline implements ReplayableState {
  readonly name = 'plant-telemetry-clean.dedupe';
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly outputSchema: object;
  private readonly cleaner: ReadingCleaner;
  /** Input position → the pairs (one per reading of a batch) it added to the dedupe memory, so a rerun of that record can take them back. */
  private readonly added = new Map<string, Array<{ gatewayId: string; sequenceNumber: number }>>();
  /** Next offset per partition whose outputs were acknowledged at the last checkpoint. */
  private acknowledgedUntil: ReadonlyMap<string, bigint> = new Map();
  private newestEventTime = Number.NEGATIVE_INFINITY;
  private replayed = 0;

  constructor(contract: LoadedContract, options: CleanPipelineOptions = {}) {
    const input = options.inputTopic ?? contract.contract.upstream[0];
    if (!input) throw new ContractIncomplete(contract.contract.id, 'upstream product (the raw topic it cleans)');
    this.inputTopic = input;
    this.outputTopic = options.outputTopic ?? contract.contract.kafka.topic;
    this.outputSchema = contract.avroSchema;
    this.cleaner = new ReadingCleaner(contract, options);
  }

  /** The runtime commits only below what the dedupe memory holds. */
  get state(): ReplayableState[] {
    return [this];
  }

  readonly handle = async (records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> => {
    const results: Array<StreamOutput | RecordFailed> = [];
    for (const record of records) {
      const at = partitionKey(record.topic, record.partition);
      const offset = BigInt(record.offset);
      if (offset < (this.acknowledgedUntil.get(at) ?? -1n)) {
        this.replayed += 1;
        continue;
      }
      const position = `${at}\u0000${record.offset}`;
      // The runtime reruns a batch record by record after an unexpected error: undo this record's first pass.
      const earlier = this.added.get(position);
      if (earlier) {
        for (const pair of earlier) this.cleaner.forget(pair.gatewayId, pair.sequenceNumber);
        this.added.delete(position);
      }
      if (record.value === null) {
        results.push(new RecordFailed(record, new Error('a tombstone (record without value) on a telemetry topic; producers must not send them')));
        continue;
      }
      let readings: RawReading[];
      try {
        readings = isReadingBatch(record.value) ? expandReadingBatch(record.value) : [record.value as RawReading];
      } catch (error) {
        results.push(new RecordFailed(record, error));
        continue;
      }
      const pairs: Array<{ gatewayId: string; sequenceNumber: number }> = [];
      for (const raw of readings) {
        const outcome = this.cleaner.clean(raw);
        if (outcome.kind === 'duplicate') continue;
        pairs.push({ gatewayId: raw.gatewayId, sequenceNumber: Number(raw.sequenceNumber) });
        // A bad reading of a batch dead-letters the batch with the error naming that reading; the others go on.
        if (outcome.kind === 'rejected') {
          results.push(new RecordFailed(record, outcome.error));
          continue;
        }
        if (outcome.reading.readingTime > this.newestEventTime) this.newestEventTime = outcome.reading.readingTime;
        results.push({ topic: this.outputTopic, key: outcome.reading.assetPath, value: outcome.reading });
      }
      if (pairs.length > 0) this.remember(position, pairs);
    }
    return results;
  };

  /** Nothing is held across batches: every reading is emitted in the batch that read it. */
  heldOffsets(): Iterable<PartitionOffset> {
    return [];
  }

  watermark(): number {
    return this.newestEventTime;
  }

  restore(checkpoint: StateCheckpoint): void {
    this.acknowledgedUntil = checkpoint.readUntil;
    // Pairs added by records past the checkpoint were never acknowledged: they will come again.
    for (const [position, pairs] of this.added) {
      const cut = position.lastIndexOf('\u0000');
      const until = checkpoint.readUntil.get(position.slice(0, cut));
      if (until === undefined || BigInt(position.slice(cut + 1)) >= until) for (const pair of pairs) this.cleaner.forget(pair.gatewayId, pair.sequenceNumber);
    }
    this.added.clear();
  }

  stats(): CleanPipelineStats {
    return { ...this.cleaner.stats(), replayed: this.replayed };
  }

  private remember(position: string, pairs: Array<{ gatewayId: string; sequenceNumber: number }>): void {
    if (this.added.size >= MAX_REMEMBERED_POSITIONS) {
      const oldest = this.added.keys().next();
      if (!oldest.done) this.added.delete(oldest.value);
    }
    this.added.set(position, pairs);
  }
}
