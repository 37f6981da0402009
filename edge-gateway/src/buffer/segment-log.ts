import { join } from 'node:path';
import { BufferClosed, BufferWriteFailed, CheckpointWriteFailed, RecordTooLarge } from './errors';
import { nodeFileSystem, type SegmentFile, type SegmentFileSystem } from './segment-files';
import { decodeFrame, encodeFrame, frameHeaderBytes } from './segment-frame';

export interface SegmentLogOptions {
  dir: string;
  /** Upper bound of bytes on disk for records not yet forwarded. */
  maxBytes: number;
  /** A segment file is rolled over once it reaches this size. */
  segmentBytes: number;
  /** 'always': fsync before an append resolves; 'interval': every fsyncIntervalMs; 'never': leave it to the OS. */
  fsync: 'always' | 'interval' | 'never';
  fsyncIntervalMs?: number;
  /** When full: 'block' makes appends wait for the forwarder; 'drop-oldest' deletes the oldest segment and counts its records as dropped. */
  onFull: 'block' | 'drop-oldest';
  /** Where the files live; tests pass one that tears writes or fills up. */
  files?: SegmentFileSystem;
  /** The first sequence number of a log opened on an empty folder (default 1); see clockSequenceBase. */
  firstSequence?: number;
}

/**
 * A first sequence number from the wall clock, in microseconds: a gateway that lost its state folder (a new
 * disk, a wiped volume) starts again with the same gateway id, and numbers from 1 would repeat numbers its
 * earlier life gave, which the clean product's deduplication drops as replays. Above any earlier number as
 * long as that life gave fewer than 1,000 numbers per millisecond on average; below 2^53 until the year 2255.
 */
export function clockSequenceBase(nowMs = Date.now()): number {
  return Math.floor(nowMs) * 1000;
}

export interface BufferedRecord {
  /** The record's last sequence number (its only one unless it holds a batch). */
  seq: number;
  payload: Buffer;
  /** Sequence numbers the record holds: 1, or the readings of a batch (see SpannedPayload). */
  sequences: number;
}

/**
 * A record that takes several sequence numbers, one per reading of a batch (plant.telemetry.raw.v2): it
 * holds `sequences` numbers from the first its builder was given, and its frame carries the last of them,
 * so recovery, reads and commits work on whole records while pending and dropped counts stay per reading.
 */
export interface SpannedPayload {
  payload: Buffer;
  sequences: number;
}

/** What an append takes: one record per payload, each holding one sequence number unless spanned. */
export type AppendPayload = Buffer | SpannedPayload;

/** Records are counted by sequence number: a batch counts as its readings. */
export interface SegmentLogStats {
  appendedRecords: number;
  droppedRecords: number;
  /** Bytes cut off a torn tail during recovery. */
  recoveredTornBytes: number;
  blockedAppends: number;
  /** Appends the disk refused (full, short write, failed fsync): rejected, so their sources were not acknowledged. */
  rejectedAppends: number;
  rejectedRecords: number;
  /** Background fsyncs ('interval' policy, or of a segment being rolled) that failed. */
  failedFlushes: number;
  /** Checkpoint writes that failed; the position is written again on the next commit. */
  failedCheckpoints: number;
  committedSeq: number;
  nextSeq: number;
  bytes: number;
  segments: number;
}

interface Segment {
  firstSeq: number;
  /** firstSeq - 1 while empty. */
  lastSeq: number;
  bytes: number;
  path: string;
}

const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(16, '0')}.seg`;

/**
 * The gateway's store-and-forward buffer: an append-only log of segment files with a checkpoint of what
 * has been forwarded. Sequence numbers start at `firstSequence`, are assigned on append and survive
 * restarts, so a record resent after a crash carries the same number. A crash loses nothing an append had resolved
 * (with fsync 'always'); a torn tail is detected by CRC and cut off on the next open. A write the disk
 * refuses is cut back off and its append rejected, so a full disk never leaves a torn frame behind an
 * acknowledged one.
 *
 * Invariants: segment paths are unique (named by their first sequence number, which only grows); the last
 * segment is the active one and is never deleted, so its name keeps the next sequence number across
 * restarts even when every record is forwarded; a segment's `bytes` covers only durable, whole frames.
 */
export class SegmentLog {
  private readonly segments: Segment[] = [];
  /** The file appends go to; none while a start on a full disk could not create one (the next append tries again). */
  private active?: SegmentFile;
  /** The active file's tail is unknown (a failed write could not be cut off): no frame goes there until a new segment supersedes it (see cutBack). */
  private activeSealed = false;
  private committed = 0;
  /** The first sequence number this open could give: older records were buffered by an earlier run. */
  private sessionFirstSeq = 1;
  /** The committed position last written to the checkpoint file. */
  private checkpointed = 0;
  private next = 1;
  private closed = false;
  private appendChain: Promise<unknown> = Promise.resolve();
  private spaceWaiters: Array<() => void> = [];
  private fsyncTimer?: NodeJS.Timeout;
  private dirty = false;
  private cursor?: { path: string; offset: number; nextSeq: number };
  private readonly counters = {
    appendedRecords: 0,
    droppedRecords: 0,
    recoveredTornBytes: 0,
    blockedAppends: 0,
    rejectedAppends: 0,
    rejectedRecords: 0,
    failedFlushes: 0,
    failedCheckpoints: 0,
  };
  private readonly files: SegmentFileSystem;

  private constructor(private readonly options: SegmentLogOptions) {
    this.files = options.files ?? nodeFileSystem;
  }

  static async open(options: SegmentLogOptions): Promise<SegmentLog> {
    const log = new SegmentLog(options);
    await log.recover();
    return log;
  }

  private get segmentDir() {
    return join(this.options.dir, 'segments');
  }

  private get checkpointFile() {
    return join(this.options.dir, 'checkpoint.json');
  }

  private async recover(): Promise<void> {
    await this.files.mkdir(this.segmentDir);
    try {
      this.committed = (JSON.parse((await this.files.readFile(this.checkpointFile)).toString('utf8')) as { committedSeq: number }).committedSeq;
      this.checkpointed = this.committed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const names = (await this.files.readdir(this.segmentDir)).filter((n) => n.endsWith('.seg')).sort();
    for (const [index, name] of names.entries()) {
      const path = join(this.segmentDir, name);
      const data = await this.files.readFile(path);
      const segment: Segment = { firstSeq: Number(name.slice(0, 16)), lastSeq: Number(name.slice(0, 16)) - 1, bytes: 0, path };
      // A segment is started at the next number, so frames of an older one at or above it were never
      // acknowledged: the whole frames of an append whose torn tail could not be cut off (see cutBack).
      const successor = names[index + 1] === undefined ? Infinity : Number(names[index + 1]!.slice(0, 16));
      for (let frame = decodeFrame(data, 0); frame && frame.seq < successor; frame = decodeFrame(data, segment.bytes)) {
        segment.lastSeq = frame.seq;
        segment.bytes += frame.size;
      }
      if (segment.bytes < data.length) {
        // A torn write (crash mid-append), a corrupt tail or a superseded one: keep the valid prefix.
        this.counters.recoveredTornBytes += data.length - segment.bytes;
        const handle = await this.files.open(path, 'r+');
        try {
          await handle.truncate(segment.bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
      this.segments.push(segment);
    }
    const first = this.segments[0];
    // Nothing below the oldest segment is left to read; a fresh folder starts at firstSequence.
    this.committed = Math.max(this.committed, first ? first.firstSeq - 1 : (this.options.firstSequence ?? 1) - 1);
    const last = this.segments.at(-1);
    this.next = Math.max(last ? last.lastSeq : 0, this.committed) + 1;
    await this.deleteForwardedSegments();
    this.sessionFirstSeq = this.next;
    if (last && last.bytes === 0 && last.firstSeq === this.next) {
      // An empty segment (a start that appended nothing): it becomes the active one again. Opening a new
      // segment would give it the same path, and a commit deleting the older entry would delete the file
      // being written.
      this.active = await this.files.open(last.path, 'a');
    } else {
      // On a full disk the gateway still starts and forwards, which frees space; appends are rejected
      // until a segment can be created. Failing here would make it crash-loop instead.
      await this.roll().catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOSPC' && error.code !== 'EDQUOT') throw error;
      });
    }
    if (this.options.fsync === 'interval') {
      this.fsyncTimer = setInterval(() => void this.flush(), this.options.fsyncIntervalMs ?? 1000);
      this.fsyncTimer.unref();
    }
  }

  /**
   * Starts a new active segment at the next sequence number. The new file is opened before anything
   * changes, so a failure (no space for a file) leaves the current segment active.
   */
  private async roll(): Promise<void> {
    if (this.active && this.activeSealed && this.activeSegment.bytes === 0) {
      // A sealed segment that holds no record has the very name a new one would get: empty the file
      // instead (opening it with O_TRUNC) and go on writing it, so that one path is never two segments.
      await (await this.files.open(this.activeSegment.path, 'w')).close();
      this.activeSealed = false;
      return;
    }
    const path = join(this.segmentDir, segmentName(this.next));
    const opened = await this.files.open(path, 'a');
    try {
      if (this.options.fsync === 'always') await this.files.syncDir(this.segmentDir);
    } catch (error) {
      await opened.close().catch(() => undefined);
      throw error;
    }
    const previous = this.active;
    this.active = opened;
    this.activeSealed = false;
    this.segments.push({ firstSeq: this.next, lastSeq: this.next - 1, bytes: 0, path });
    if (previous) {
      await previous.sync().catch(() => void (this.counters.failedFlushes += 1));
      await previous.close().catch(() => undefined);
    }
  }

  private get activeSegment(): Segment {
    return this.segments.at(-1)!;
  }

  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /**
   * Appends records in order and resolves with their (last) sequence numbers once they are durable (per
   * the fsync policy). When the buffer is full it waits for commits ('block') or drops the oldest segment.
   * Given a function, it is called with the first sequence number the records will get, so records can
   * carry their own sequence number; a spanned record takes the next `sequences` numbers.
   */
  append(payloads: AppendPayload[] | ((firstSeq: number) => AppendPayload[])): Promise<number[]> {
    const result = this.appendChain.then(() => this.appendNow(payloads));
    this.appendChain = result.catch(() => undefined);
    return result;
  }

  private async appendNow(build: AppendPayload[] | ((firstSeq: number) => AppendPayload[])): Promise<number[]> {
    if (this.closed) throw new BufferClosed();
    const payloads = typeof build === 'function' ? build(this.next) : build;
    const seqs: number[] = [];
    const frames: Buffer[] = [];
    let last = this.next - 1;
    for (const entry of payloads) {
      const spanned = !Buffer.isBuffer(entry);
      last += spanned ? entry.sequences : 1;
      seqs.push(last);
      frames.push(encodeFrame(last, spanned ? entry.payload : entry));
    }
    const sequences = last - this.next + 1;
    const incoming = frames.reduce((sum, f) => sum + f.length, 0);
    for (const frame of frames) {
      if (frame.length > this.options.maxBytes) throw new RecordTooLarge(frame.length, this.options.maxBytes);
    }
    if (incoming > this.options.maxBytes) throw new RecordTooLarge(incoming, this.options.maxBytes);
    let segment: Segment | undefined;
    let before = 0;
    try {
      await this.makeRoom(incoming);
      if (!this.active || this.activeSealed || this.activeSegment.bytes >= this.options.segmentBytes) await this.roll();
      const active = this.active!; // roll() opened one or threw
      segment = this.activeSegment;
      before = segment.bytes;
      const { bytesWritten } = await active.writev(frames);
      if (bytesWritten !== incoming) throw new Error(`short write: the disk took ${bytesWritten} of ${incoming} bytes`);
      if (this.options.fsync === 'always') await active.sync();
    } catch (error) {
      if (error instanceof BufferClosed) throw error;
      if (segment) await this.cutBack(before);
      this.counters.rejectedAppends += 1;
      this.counters.rejectedRecords += sequences;
      throw new BufferWriteFailed(segment?.path ?? this.segmentDir, sequences, incoming, { cause: error });
    }
    // Only now are the frames part of the segment: readers never see bytes that may still be cut off.
    segment.bytes += incoming;
    segment.lastSeq = seqs.at(-1) ?? segment.lastSeq;
    this.next += sequences;
    this.counters.appendedRecords += sequences;
    if (this.options.fsync !== 'always') this.dirty = true;
    return seqs;
  }

  /**
   * Removes what a failed append may have written, so the next frame follows the last whole one. When
   * even that fails the file's tail is unknown: the segment is sealed at its known length and a new
   * segment is started at the same sequence number (now, or else by the next append or close), which
   * makes recovery cut the sealed tail off: frames of an older segment at or above a newer one's first
   * number were never acknowledged. Until a new segment exists no append succeeds, so a sealed tail that
   * recovery does find holds the newest records, as a crash mid-append leaves them.
   */
  private async cutBack(length: number): Promise<void> {
    try {
      await this.active!.truncate(length);
    } catch {
      this.activeSealed = true;
      await this.roll().catch(() => undefined);
    }
  }

  private async makeRoom(incoming: number): Promise<void> {
    let blocked = false;
    while (this.bytes + incoming > this.options.maxBytes) {
      if (this.closed) throw new BufferClosed();
      if (this.options.onFull === 'drop-oldest') {
        if (this.segments.length === 1) {
          await this.roll();
          // Look again: a commit may have deleted segments while the roll waited, and the one left may
          // be the new active segment, which is never dropped.
          continue;
        }
        const oldest = this.segments.shift()!;
        this.counters.droppedRecords += Math.max(0, oldest.lastSeq - Math.max(oldest.firstSeq - 1, this.committed));
        await this.files.rm(oldest.path);
        continue;
      }
      if (!blocked) this.counters.blockedAppends += 1;
      blocked = true;
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
  }

  /**
   * Reads up to `maxRecords` records with seq >= fromSeq in order. Records dropped when the buffer was
   * full are skipped (they are counted in droppedRecords). Sequential reads continue from a cursor, so
   * draining a large backlog reads each byte once.
   */
  async read(fromSeq: number, maxRecords: number, maxBytes = 4 * 1024 * 1024): Promise<BufferedRecord[]> {
    const records: BufferedRecord[] = [];
    let bytes = 0;
    for (const segment of [...this.segments]) {
      if (segment.lastSeq < fromSeq || segment.bytes === 0) continue;
      const resume = this.cursor && this.cursor.path === segment.path && this.cursor.nextSeq === fromSeq;
      let offset = resume ? this.cursor!.offset : 0;
      // A segment's records hold its numbers without gaps from its first: a record spans from the one before it.
      let previous = resume ? fromSeq - 1 : segment.firstSeq - 1;
      const handle = await this.files.open(segment.path, 'r').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined; // dropped or deleted meanwhile
        throw error;
      });
      if (!handle) continue;
      try {
        while (offset < segment.bytes) {
          const chunk = await this.readChunk(handle, offset, Math.min(segment.bytes - offset, Math.max(maxBytes, 1024 * 1024)));
          let used = 0;
          for (let frame = decodeFrame(chunk, 0); frame; frame = decodeFrame(chunk, used)) {
            used += frame.size;
            const sequences = frame.seq - previous;
            previous = frame.seq;
            if (frame.seq < fromSeq) continue;
            records.push({ seq: frame.seq, payload: Buffer.from(frame.payload), sequences });
            bytes += frame.size - frameHeaderBytes;
            this.cursor = { path: segment.path, offset: offset + used, nextSeq: frame.seq + 1 };
            if (records.length >= maxRecords || bytes >= maxBytes) return records;
          }
          if (used === 0) break; // cannot happen for bytes written by append; stop rather than spin
          offset += used;
        }
      } finally {
        await handle.close();
      }
    }
    return records;
  }

  /** Reads `length` bytes at `offset`, growing the read when the first frame is longer than that. */
  private async readChunk(handle: SegmentFile, offset: number, length: number): Promise<Buffer> {
    const chunk = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(chunk, 0, length, offset);
    const data = chunk.subarray(0, bytesRead);
    if (data.length >= frameHeaderBytes) {
      const first = frameHeaderBytes + data.readUInt32BE(0);
      if (first > data.length) {
        const whole = Buffer.allocUnsafe(first);
        const again = await handle.read(whole, 0, first, offset);
        return whole.subarray(0, again.bytesRead);
      }
    }
    return data;
  }

  /**
   * The records of the newest segment written before this open: what was being buffered when the
   * gateway last stopped (or crashed). Read once at start to recognise sources redelivering them.
   */
  async lastSessionTail(): Promise<BufferedRecord[]> {
    const previousSegment = this.segments.findLast((segment) => segment.bytes > 0 && segment.firstSeq < this.sessionFirstSeq);
    if (!previousSegment) return [];
    const data = await this.files.readFile(previousSegment.path).catch(() => Buffer.alloc(0));
    const records: BufferedRecord[] = [];
    let previous = previousSegment.firstSeq - 1;
    for (let offset = 0, frame = decodeFrame(data, 0); frame; frame = decodeFrame(data, offset)) {
      offset += frame.size;
      records.push({ seq: frame.seq, payload: Buffer.from(frame.payload), sequences: frame.seq - previous });
      previous = frame.seq;
    }
    return records;
  }

  /**
   * Marks every record up to `seq` as forwarded: whole forwarded segments are deleted first (freeing
   * space for the checkpoint on a full disk), then the position is saved. When saving fails the position
   * holds in memory, CheckpointWriteFailed is thrown, and any later commit (the same `seq` included)
   * writes it again.
   */
  async commit(seq: number): Promise<void> {
    if (seq <= this.committed && this.checkpointed >= this.committed) return;
    if (seq > this.committed) {
      this.committed = seq;
      // Safe before the checkpoint: a crash in between resends the records of the remaining segments
      // (same sequence numbers), and the active segment, which keeps the next number, is never deleted.
      await this.deleteForwardedSegments();
      for (const wake of this.spaceWaiters.splice(0)) wake();
    }
    await this.writeCheckpoint(this.committed);
  }

  private async writeCheckpoint(seq: number): Promise<void> {
    const tmp = `${this.checkpointFile}.tmp`;
    try {
      const handle = await this.files.open(tmp, 'w');
      try {
        await handle.writeFile(JSON.stringify({ committedSeq: seq }));
        if (this.options.fsync !== 'never') await handle.sync();
      } finally {
        await handle.close();
      }
      await this.files.rename(tmp, this.checkpointFile);
    } catch (error) {
      this.counters.failedCheckpoints += 1;
      throw new CheckpointWriteFailed(this.checkpointFile, seq, { cause: error });
    }
    this.checkpointed = Math.max(this.checkpointed, seq);
  }

  private async deleteForwardedSegments(): Promise<void> {
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= this.committed) {
      await this.files.rm(this.segments.shift()!.path);
    }
  }

  /** Background fsync, queued behind appends so that it never meets a file being rolled or cut back. */
  private flush(): Promise<void> {
    const run = this.appendChain.then(async () => {
      if (!this.dirty || this.closed || !this.active) return;
      this.dirty = false;
      try {
        await this.active.sync();
      } catch {
        this.dirty = true;
        this.counters.failedFlushes += 1;
      }
    });
    this.appendChain = run;
    return run;
  }

  /** Records appended but not yet forwarded. */
  get pending(): number {
    return this.next - 1 - this.committed;
  }

  get stats(): SegmentLogStats {
    return { ...this.counters, committedSeq: this.committed, nextSeq: this.next, bytes: this.bytes, segments: this.segments.length };
  }

  /** Flushes and closes; idempotent. Appends waiting for space fail with BufferClosed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.fsyncTimer);
    for (const wake of this.spaceWaiters.splice(0)) wake();
    await this.appendChain;
    try {
      if (this.activeSealed) await this.roll().catch(() => undefined);
      if (this.checkpointed < this.committed) await this.writeCheckpoint(this.committed).catch(() => undefined);
      await this.active?.sync();
    } finally {
      await this.active?.close();
    }
  }
}
