import type { PartitionOffset } from './partition.position';

/** What a replayable state needs after a restart: its event-time watermark and how far the job had read. */
export interface StateCheckpoint {
  /** The state's watermark when the job last committed (epoch ms); -Infinity before any record. */
  watermark: number;
  /** Per partition key (partitionKey()), the next offset the job had not read yet at that commit. */
  readUntil: ReadonlyMap<string, bigint>;
  /**
   * Per partition key, the watermark kept with that partition's own commit, when partitions are checkpointed
   * one by one (exactly-once jobs, whose partitions move between instances): windows of a partition ending
   * by its watermark were emitted, whichever instance emitted them. Partitions absent here use `watermark`.
   */
  partitionWatermarks?: ReadonlyMap<string, number>;
}

/** What the runtime knows of its input when it hands the handler a batch. */
export interface InputProgress {
  /**
   * The input partitions (partitionKey()) with records still to come: those in this batch, and those
   * whose end offset is beyond where the job has read. Every other partition is caught up (idle).
   */
  pending: ReadonlySet<string>;
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
  /** The watermark to keep with one partition's own commit (see StateCheckpoint.partitionWatermarks); `watermark()` when absent. */
  partitionWatermark?(partition: string): number;
  /** Forgets everything held and starts over from a checkpoint (a restart, or a batch that failed to produce). */
  restore(checkpoint: StateCheckpoint): void;
  /** Told before each batch which partitions have records to come, so that event time can wait for them. */
  progress?(progress: InputProgress): void;
  /**
   * Records it took that owe no output, however long one waits: replays of windows emitted before a
   * restart, and records late for a window already closed (counted and handed to their own handling).
   */
  recordsOwingNoOutput?(): number;
}
