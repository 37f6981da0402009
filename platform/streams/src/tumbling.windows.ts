import { partitionKey, type PartitionOffset } from './partition.position';
import type { ReplayableState, StateCheckpoint } from './replayable.state';
import type { StreamRecord } from './stream.types';

/** One key's window: [start, end) in event time, epoch milliseconds. */
export interface WindowBounds<K extends string = string> {
  key: K;
  start: number;
  end: number;
}

/** A closed window and its result. */
export interface WindowResult<K extends string, R> extends WindowBounds<K> {
  value: R;
}

export interface TumblingWindowsOptions<K extends string, A, R, V> {
  /** Names the state in logs and stats, e.g. 'features-1m'. */
  name: string;
  sizeMs: number;
  /** How far behind the latest event time a record may arrive and still count. Default 0. */
  allowedLatenessMs?: number;
  keyOf: (record: StreamRecord<V>) => K;
  /** Event time of a record, epoch milliseconds (usually a field of the value, not the Kafka timestamp). */
  eventTimeOf: (record: StreamRecord<V>) => number;
  /** A new accumulator for a window's first record. */
  init: (window: WindowBounds<K>) => A;
  /** Adds a record; may mutate `accumulator` and return it. */
  add: (accumulator: A, record: StreamRecord<V>) => A;
  /** The window's result when it closes. Must depend only on the window's records (replays re-emit it). */
  result: (accumulator: A, window: WindowBounds<K>) => R;
  /** Called for each record that arrives after its window closed (the count is in stats() either way). */
  onLate?: (record: StreamRecord<V>, window: WindowBounds<K>) => void;
}

export interface TumblingWindowsStats {
  openWindows: number;
  closedWindows: number;
  /** Records that arrived after their window had closed, beyond the allowed lateness. */
  lateRecords: number;
  /** Replayed records of windows that had closed before a restart: already emitted, skipped. */
  replayedRecords: number;
  watermark: number;
}

interface Slot<K extends string, A> {
  start: number;
  end: number;
  windows: Map<K, A>;
  /** Offset of the first record per partition: records of a partition arrive in offset order. */
  firstOffsets: Map<string, PartitionOffset>;
}

/**
 * Keyed tumbling windows in event time. The watermark is the highest event time seen minus the allowed
 * lateness; a window [start, end) closes once the watermark reaches its end, and `add` returns the
 * windows that the record's arrival closed. A record whose window has already closed is late: counted,
 * handed to `onLate`, never silently merged or dropped.
 *
 * One watermark per instance, over all partitions it sees: run a windowed job as one instance per
 * consumer group, or give each partition its own instance.
 */
export class TumblingWindows<K extends string, A, R, V = unknown> implements ReplayableState {
  readonly name: string;
  private readonly sizeMs: number;
  private readonly latenessMs: number;
  private readonly slots = new Map<number, Slot<K, A>>();
  /** Open slot starts, ascending: closing walks from the front. */
  private starts: number[] = [];
  private maxEventTime = Number.NEGATIVE_INFINITY;
  private closedWindows = 0;
  private lateRecords = 0;
  private replayedRecords = 0;
  /** After a restore: records before these offsets were read before, and windows ending by `replayHorizon` were emitted. */
  private replayUntil: ReadonlyMap<string, bigint> | undefined;
  private replayHorizon = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: TumblingWindowsOptions<K, A, R, V>) {
    if (!(options.sizeMs > 0)) throw new RangeError(`TumblingWindows ${options.name}: sizeMs must be positive, got ${options.sizeMs}`);
    const lateness = options.allowedLatenessMs ?? 0;
    if (!(lateness >= 0)) throw new RangeError(`TumblingWindows ${options.name}: allowedLatenessMs must be zero or positive, got ${lateness}`);
    this.name = options.name;
    this.sizeMs = options.sizeMs;
    this.latenessMs = lateness;
  }

  /** The highest event time seen minus the allowed lateness; windows ending at or before it are closed. */
  watermark(): number {
    return this.maxEventTime - this.latenessMs;
  }

  /** Adds a record and returns the windows its event time closed, oldest first. */
  add(record: StreamRecord<V>): WindowResult<K, R>[] {
    const eventTime = this.options.eventTimeOf(record);
    const start = Math.floor(eventTime / this.sizeMs) * this.sizeMs;
    const end = start + this.sizeMs;
    if (end <= this.watermark()) {
      this.rejectClosed(record, start, end);
      return [];
    }
    const slot = this.slots.get(start) ?? this.openSlot(start, end);
    const key = this.options.keyOf(record);
    const accumulator = slot.windows.get(key);
    slot.windows.set(key, this.options.add(accumulator === undefined ? this.options.init({ key, start, end }) : accumulator, record));
    const at = partitionKey(record.topic, record.partition);
    if (!slot.firstOffsets.has(at)) slot.firstOffsets.set(at, { topic: record.topic, partition: record.partition, offset: BigInt(record.offset) });
    if (eventTime <= this.maxEventTime) return [];
    this.maxEventTime = eventTime;
    return this.closeUpTo(this.watermark());
  }

  /** Closes every open window regardless of the watermark: for a bounded input at its end. */
  flush(): WindowResult<K, R>[] {
    return this.closeUpTo(Number.POSITIVE_INFINITY);
  }

  stats(): TumblingWindowsStats {
    let openWindows = 0;
    for (const slot of this.slots.values()) openWindows += slot.windows.size;
    return { openWindows, closedWindows: this.closedWindows, lateRecords: this.lateRecords, replayedRecords: this.replayedRecords, watermark: this.watermark() };
  }

  heldOffsets(): Iterable<PartitionOffset> {
    const lowest = new Map<string, PartitionOffset>();
    for (const slot of this.slots.values()) {
      for (const [at, position] of slot.firstOffsets) {
        const known = lowest.get(at);
        if (!known || position.offset < known.offset) lowest.set(at, position);
      }
    }
    return lowest.values();
  }

  restore(checkpoint: StateCheckpoint): void {
    this.slots.clear();
    this.starts = [];
    this.maxEventTime = checkpoint.watermark + this.latenessMs;
    this.replayHorizon = checkpoint.watermark;
    this.replayUntil = checkpoint.readUntil;
  }

  private rejectClosed(record: StreamRecord<V>, start: number, end: number): void {
    if (end <= this.replayHorizon && this.wasReadBefore(record)) {
      this.replayedRecords += 1;
      return;
    }
    this.lateRecords += 1;
    this.options.onLate?.(record, { key: this.options.keyOf(record), start, end });
  }

  private wasReadBefore(record: StreamRecord<V>): boolean {
    const until = this.replayUntil?.get(partitionKey(record.topic, record.partition));
    return until !== undefined && BigInt(record.offset) < until;
  }

  private openSlot(start: number, end: number): Slot<K, A> {
    const slot: Slot<K, A> = { start, end, windows: new Map(), firstOffsets: new Map() };
    this.slots.set(start, slot);
    // In-order data appends; an out-of-order slot is inserted where it belongs.
    let at = this.starts.length;
    while (at > 0 && (this.starts[at - 1] as number) > start) at -= 1;
    this.starts.splice(at, 0, start);
    return slot;
  }

  private closeUpTo(watermark: number): WindowResult<K, R>[] {
    const closed: WindowResult<K, R>[] = [];
    while (this.starts.length > 0) {
      const start = this.starts[0] as number;
      const slot = this.slots.get(start) as Slot<K, A>;
      if (slot.end > watermark) break;
      this.starts.shift();
      this.slots.delete(start);
      for (const [key, accumulator] of slot.windows) {
        const bounds = { key, start: slot.start, end: slot.end };
        closed.push({ ...bounds, value: this.options.result(accumulator, bounds) });
      }
      this.closedWindows += slot.windows.size;
    }
    return closed;
  }
}
