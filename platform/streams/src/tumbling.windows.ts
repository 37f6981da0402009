import { EventTimeBeyondClockSkew, RecordFailed } from './errors';
import { partitionKey, type PartitionOffset } from './partition.position';
import type { InputProgress, ReplayableState, StateCheckpoint } from './replayable.state';
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
  /**
   * How far ahead of `clock` an event time may be (the input contract's timeliness.maxClockSkew). A record
   * beyond it is quarantined: in no window, moving no watermark, returned by takeQuarantined(). Default 5 min.
   */
  maxClockSkewMs?: number;
  /** The job's processing clock, epoch ms. Default Date.now. */
  clock?: () => number;
  /**
   * How far one record may move its partition's event time on its own. A record further ahead is counted
   * in its window but moves time only when the partition's next record agrees (is that far ahead too): a
   * lone jump closes nothing. Default the larger of maxClockSkewMs and the window size plus the lateness.
   */
  maxLoneJumpMs?: number;
  /**
   * How long (processing time) a partition the runtime says has records to come may go without a record
   * in these windows before it stops holding event time back, e.g. a log emptied by retention, or a
   * partition whose records the handler all filters out. Default 60 s.
   */
  idleTimeoutMs?: number;
}

interface PartitionTime {
  /** The partition's event time as far as its records agree. */
  time: number;
  /** The last record's event time when it jumped more than maxLoneJumpMs ahead, until the next record. */
  jump?: number;
  /** Processing time of its last record here, or of when the runtime said it had records to come. */
  activeAt: number;
  /** Whether any record of it reached these windows since the restore. */
  seen: boolean;
}

/** Default of idleTimeoutMs. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Default of maxClockSkewMs: the contracts' default timeliness.maxClockSkew (PT5M). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface TumblingWindowsStats {
  openWindows: number;
  closedWindows: number;
  /** Records that arrived after their window had closed, beyond the allowed lateness. */
  lateRecords: number;
  /** Replayed records of windows that had closed before a restart: already emitted, skipped. */
  replayedRecords: number;
  /** Records stamped beyond the maximum clock skew: in no window, dead-lettered by the job. */
  quarantinedRecords: number;
  /** Records that jumped their partition's event time further than maxLoneJumpMs, each waiting for the next record to agree. */
  loneJumps: number;
  /** Restores whose checkpointed watermark was beyond the clock plus the skew, so not trusted: rebuilt from the replay. */
  untrustedWatermarks: number;
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
 * Keyed tumbling windows in event time. The watermark is the event time the input agrees on, minus the
 * allowed lateness; a window [start, end) closes once the watermark reaches its end, and `add` returns
 * the windows that the record's arrival closed. A record whose window has already closed is late:
 * counted, handed to `onLate`, never silently merged or dropped.
 *
 * Event time is kept per partition, and the input agrees on the lowest time of the partitions that
 * have records to come (as Flink and Kafka Streams do): a partition read ahead, e.g. one delivered in
 * a batch of its own after downtime, waits for the others instead of making their records late. The
 * runtime says before each batch which partitions have records to come (`progress`: those in the
 * batch, and those whose end offset is beyond the job's position); the others are caught up, idle,
 * and hold nothing back, so a quiet partition does not stop time. A partition said to have records to
 * come that brings none here for `idleTimeoutMs` of processing time is taken as idle too. When every
 * partition is idle, or without a runtime telling progress (a backtest, a TestDriver not given the
 * state), event time is the highest of the partitions'. It never moves back.
 *
 * One wrong clock must not stop the windows for good (a reading stamped ten years ahead would otherwise
 * close every window and make every later record late). So event time is kept per partition and moves
 * only by records that (1) are within `maxClockSkewMs` of the processing clock (records beyond it are
 * quarantined: the handler dead-letters them from takeQuarantined()) and (2) either stay within
 * `maxLoneJumpMs` of their partition's time or are confirmed by the partition's next record.
 * A checkpointed watermark beyond the clock plus the skew is not trusted at restore either.
 *
 * One watermark per instance: run a windowed job as one instance per consumer group (the runtime
 * reads the end offsets of every partition of its inputs), or give each partition its own instance.
 */
export class TumblingWindows<K extends string, A, R, V = unknown> implements ReplayableState {
  readonly name: string;
  private readonly sizeMs: number;
  private readonly latenessMs: number;
  private readonly slots = new Map<number, Slot<K, A>>();
  /** Open slot starts, ascending: closing walks from the front. */
  private starts: number[] = [];
  private readonly maxClockSkewMs: number;
  private readonly maxLoneJumpMs: number;
  private readonly idleTimeoutMs: number;
  private readonly clock: () => number;
  /** The event time the partitions agree on; never moves back. */
  private eventTime = Number.NEGATIVE_INFINITY;
  /** Where each partition's time starts: the restored event time. */
  private restoredEventTime = Number.NEGATIVE_INFINITY;
  private readonly partitions = new Map<string, PartitionTime>();
  /** The partitions with records to come, as the runtime last said; undefined until it says. */
  private pending: ReadonlySet<string> | undefined;
  private quarantined: RecordFailed[] = [];
  private closedWindows = 0;
  private lateRecords = 0;
  private replayedRecords = 0;
  private quarantinedRecords = 0;
  private loneJumps = 0;
  private untrustedWatermarks = 0;
  /** After a restore: records before these offsets were read before, and windows ending by `replayHorizon` were emitted. */
  private replayUntil: ReadonlyMap<string, bigint> | undefined;
  private replayHorizon = Number.NEGATIVE_INFINITY;
  /** After a restore from per-partition checkpoints: each partition's own horizon (windows ending by it were emitted). */
  private partitionHorizons: ReadonlyMap<string, number> = new Map();

  constructor(private readonly options: TumblingWindowsOptions<K, A, R, V>) {
    if (!(options.sizeMs > 0)) throw new RangeError(`TumblingWindows ${options.name}: sizeMs must be positive, got ${options.sizeMs}`);
    const lateness = options.allowedLatenessMs ?? 0;
    if (!(lateness >= 0)) throw new RangeError(`TumblingWindows ${options.name}: allowedLatenessMs must be zero or positive, got ${lateness}`);
    const skew = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    if (!(skew >= 0)) throw new RangeError(`TumblingWindows ${options.name}: maxClockSkewMs must be zero or positive, got ${skew}`);
    const jump = options.maxLoneJumpMs ?? Math.max(skew, options.sizeMs + lateness);
    if (!(jump > 0)) throw new RangeError(`TumblingWindows ${options.name}: maxLoneJumpMs must be positive, got ${jump}`);
    const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    if (!(idle >= 0)) throw new RangeError(`TumblingWindows ${options.name}: idleTimeoutMs must be zero or positive, got ${idle}`);
    this.name = options.name;
    this.sizeMs = options.sizeMs;
    this.latenessMs = lateness;
    this.maxClockSkewMs = skew;
    this.maxLoneJumpMs = jump;
    this.idleTimeoutMs = idle;
    this.clock = options.clock ?? Date.now;
  }

  /** The event time the input agrees on minus the allowed lateness; windows ending at or before it are closed. */
  watermark(): number {
    return this.eventTime - this.latenessMs;
  }

  /** Adds a record and returns the windows its event time closed, oldest first. */
  add(record: StreamRecord<V>): WindowResult<K, R>[] {
    const eventTime = this.options.eventTimeOf(record);
    const now = this.clock();
    if (!(eventTime <= now + this.maxClockSkewMs)) {
      this.quarantinedRecords += 1;
      this.quarantined.push(new RecordFailed(record as StreamRecord<unknown>, new EventTimeBeyondClockSkew(this.name, eventTime, now, this.maxClockSkewMs)));
      return [];
    }
    const start = Math.floor(eventTime / this.sizeMs) * this.sizeMs;
    const end = start + this.sizeMs;
    const at = partitionKey(record.topic, record.partition);
    // A partition's own horizon may be ahead of this instance's watermark: another instance emitted its windows.
    if (end <= this.watermark() || end <= this.horizonOf(at)) {
      this.rejectClosed(record, start, end, at);
      return [];
    }
    const slot = this.slots.get(start) ?? this.openSlot(start, end);
    const key = this.options.keyOf(record);
    const accumulator = slot.windows.get(key);
    slot.windows.set(key, this.options.add(accumulator === undefined ? this.options.init({ key, start, end }) : accumulator, record));
    if (!slot.firstOffsets.has(at)) slot.firstOffsets.set(at, { topic: record.topic, partition: record.partition, offset: BigInt(record.offset) });
    this.advance(this.partitionAt(at, now), eventTime, now);
    if (!this.agree(now)) return [];
    return this.closeUpTo(this.watermark());
  }

  /**
   * Which partitions have records to come (the runtime calls this before each batch). Partitions not
   * named are caught up and stop holding event time back; the windows they would close close at the
   * next record added.
   */
  progress({ pending }: InputProgress): void {
    const now = this.clock();
    for (const at of pending) {
      const known = this.partitions.get(at);
      if (!known) this.partitionAt(at, now);
      // Back from idle: its idle timeout starts again, unless none of its records ever reached these
      // windows (the handler filters them all): such a partition would otherwise hold time at every return.
      else if (known.seen && !this.pending?.has(at)) known.activeAt = now;
    }
    this.pending = pending;
  }

  /**
   * The records quarantined since the last call, as RecordFailed for the handler's results (so the
   * runtime dead-letters them with the reason), oldest first.
   */
  takeQuarantined(): RecordFailed[] {
    const taken = this.quarantined;
    this.quarantined = [];
    return taken;
  }

  /** Closes every open window regardless of the watermark: for a bounded input at its end. */
  flush(): WindowResult<K, R>[] {
    return this.closeUpTo(Number.POSITIVE_INFINITY);
  }

  stats(): TumblingWindowsStats {
    let openWindows = 0;
    for (const slot of this.slots.values()) openWindows += slot.windows.size;
    return {
      openWindows,
      closedWindows: this.closedWindows,
      lateRecords: this.lateRecords,
      replayedRecords: this.replayedRecords,
      quarantinedRecords: this.quarantinedRecords,
      loneJumps: this.loneJumps,
      untrustedWatermarks: this.untrustedWatermarks,
      watermark: this.watermark(),
    };
  }

  recordsOwingNoOutput(): number {
    return this.lateRecords + this.replayedRecords;
  }

  partitionWatermark(partition: string): number {
    return Math.max(this.watermark(), this.horizonOf(partition));
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
    this.partitions.clear();
    this.pending = undefined;
    this.quarantined = [];
    this.replayUntil = checkpoint.readUntil;
    // Written by a job that let a wrong clock through: trusting it would make every record late. Rebuild
    // from the replay instead, re-emitting its windows (consumers deduplicate on the window's key).
    const trust = (watermark: number): number => {
      if (!(watermark > this.clock() + this.maxClockSkewMs)) return watermark;
      this.untrustedWatermarks += 1;
      return Number.NEGATIVE_INFINITY;
    };
    this.replayHorizon = trust(checkpoint.watermark);
    this.partitionHorizons = new Map([...(checkpoint.partitionWatermarks ?? [])].map(([at, watermark]) => [at, trust(watermark)]));
    // The instance's event time starts at the lowest horizon: a partition behind the others closes nothing early.
    const horizons = [...this.partitionHorizons.values()];
    const lowest = horizons.length > 0 ? Math.min(...horizons) : this.replayHorizon;
    this.restoredEventTime = lowest === Number.NEGATIVE_INFINITY ? lowest : lowest + this.latenessMs;
    this.eventTime = this.restoredEventTime;
  }

  /** Windows of this partition ending by its horizon were emitted before the restore. */
  private horizonOf(partition: string): number {
    return this.partitionHorizons.get(partition) ?? this.replayHorizon;
  }

  /** A partition's time; a partition first seen starts at the restored event time. */
  private partitionAt(at: string, now: number): PartitionTime {
    let partition = this.partitions.get(at);
    if (!partition) {
      partition = { time: this.restoredEventTime, activeAt: now, seen: false };
      this.partitions.set(at, partition);
    }
    return partition;
  }

  /** Moves a partition's time by its record, unless the record is a lone jump. */
  private advance(partition: PartitionTime, eventTime: number, now: number): void {
    partition.activeAt = now;
    partition.seen = true;
    const jumped = partition.jump;
    delete partition.jump;
    if (eventTime <= partition.time) return;
    if (partition.time === Number.NEGATIVE_INFINITY || eventTime - partition.time <= this.maxLoneJumpMs) {
      partition.time = eventTime;
    } else if (jumped !== undefined) {
      // Two records in a row agree on the jump: time moves to the nearer of the two.
      partition.time = Math.min(jumped, eventTime);
    } else {
      this.loneJumps += 1;
      partition.jump = eventTime;
    }
  }

  /**
   * Moves the job's event time to what the partitions agree on: the lowest time of those with records
   * to come that are not idle, or the highest of all when every one is idle. True when it moved.
   */
  private agree(now: number): boolean {
    let lowestPending = Number.POSITIVE_INFINITY;
    let highest = Number.NEGATIVE_INFINITY;
    for (const [at, partition] of this.partitions) {
      highest = Math.max(highest, partition.time);
      if (this.pending?.has(at) && now - partition.activeAt <= this.idleTimeoutMs) lowestPending = Math.min(lowestPending, partition.time);
    }
    const agreed = lowestPending === Number.POSITIVE_INFINITY ? highest : lowestPending;
    if (!(agreed > this.eventTime)) return false;
    this.eventTime = agreed;
    return true;
  }

  private rejectClosed(record: StreamRecord<V>, start: number, end: number, partition: string): void {
    if (end <= this.horizonOf(partition) && this.wasReadBefore(record)) {
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
