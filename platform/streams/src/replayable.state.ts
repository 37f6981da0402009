import type { PartitionOffset } from './partition.position';

/** What a replayable state needs after a restart: its event-time watermark and how far the job had read. */
export interface StateCheckpoint {
  /** The state's watermark when the job last committed (epoch ms); -Infinity before any record. */
  watermark: number;
  /** Per partition key (partitionKey()), the next offset the job had not read yet at that commit. */
  readUntil: ReadonlyMap<string, bigint>;
}

/**
 * In-memory state a stream job keeps across batches (open windows). The runtime never commits past the
 * oldest record such a state still holds, so that after a crash the replay from the committed offsets
 * rebuilds it; `restore` then tells it which replayed records it had already emitted.
 */
export interface ReplayableState {
  readonly name: string;
  /** Per partition, the offset of the oldest record still held; partitions with nothing held are absent. */
  heldOffsets(): Iterable<PartitionOffset>;
  /** The watermark to keep with the commit. */
  watermark(): number;
  /** Forgets everything held and starts over from a checkpoint (a restart, or a batch that failed to produce). */
  restore(checkpoint: StateCheckpoint): void;
}
