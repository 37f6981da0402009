import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BufferClosed, RecordTooLarge } from './errors';
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
}

export interface BufferedRecord {
  seq: number;
  payload: Buffer;
}

export interface SegmentLogStats {
  appendedRecords: number;
  droppedRecords: number;
  /** Bytes cut off a torn tail during recovery. */
  recoveredTornBytes: number;
  blockedAppends: number;
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
 * has been forwarded. Sequence numbers start at 1, are assigned on append and survive restarts, so a
 * record resent after a crash carries the same number. A crash loses nothing an append had resolved
 * (with fsync 'always'); a torn tail is detected by CRC and cut off on the next open.
 */
export class SegmentLog {
  private readonly segments: Segment[] = [];
  private active!: FileHandle;
  private committed = 0;
  private next = 1;
  private closed = false;
  private appendChain: Promise<unknown> = Promise.resolve();
  private spaceWaiters: Array<() => void> = [];
  private fsyncTimer?: NodeJS.Timeout;
  private dirty = false;
  private cursor?: { path: string; offset: number; nextSeq: number };
  private readonly counters = { appendedRecords: 0, droppedRecords: 0, recoveredTornBytes: 0, blockedAppends: 0 };

  private constructor(private readonly options: SegmentLogOptions) {}

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
    await mkdir(this.segmentDir, { recursive: true });
    try {
      this.committed = (JSON.parse(await readFile(this.checkpointFile, 'utf8')) as { committedSeq: number }).committedSeq;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const names = (await readdir(this.segmentDir)).filter((n) => n.endsWith('.seg')).sort();
    for (const name of names) {
      const path = join(this.segmentDir, name);
      const data = await readFile(path);
      const segment: Segment = { firstSeq: Number(name.slice(0, 16)), lastSeq: Number(name.slice(0, 16)) - 1, bytes: 0, path };
      for (let frame = decodeFrame(data, 0); frame; frame = decodeFrame(data, segment.bytes)) {
        segment.lastSeq = frame.seq;
        segment.bytes += frame.size;
      }
      if (segment.bytes < data.length) {
        // A torn write (crash mid-append) or a corrupt tail: keep the valid prefix.
        this.counters.recoveredTornBytes += data.length - segment.bytes;
        const handle = await open(path, 'r+');
        await handle.truncate(segment.bytes);
        await handle.sync();
        await handle.close();
      }
      this.segments.push(segment);
    }
    const last = this.segments.at(-1);
    this.next = Math.max(last ? last.lastSeq : 0, this.committed) + 1;
    await this.deleteForwardedSegments();
    await this.roll();
    if (this.options.fsync === 'interval') {
      this.fsyncTimer = setInterval(() => void this.flush(), this.options.fsyncIntervalMs ?? 1000);
      this.fsyncTimer.unref();
    }
  }

  /** Starts a new active segment at the next sequence number. */
  private async roll(): Promise<void> {
    if (this.active) {
      await this.active.sync();
      await this.active.close();
    }
    const path = join(this.segmentDir, segmentName(this.next));
    this.active = await open(path, 'a');
    this.segments.push({ firstSeq: this.next, lastSeq: this.next - 1, bytes: 0, path });
  }

  private get activeSegment(): Segment {
    return this.segments.at(-1)!;
  }

  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /**
   * Appends records in order and resolves with their sequence numbers once they are durable (per the
   * fsync policy). When the buffer is full it waits for commits ('block') or drops the oldest segment.
   * Given a function, it is called with the first sequence number the records will get, so records can
   * carry their own sequence number.
   */
  append(payloads: Buffer[] | ((firstSeq: number) => Buffer[])): Promise<number[]> {
    const result = this.appendChain.then(() => this.appendNow(payloads));
    this.appendChain = result.catch(() => undefined);
    return result;
  }

  private async appendNow(build: Buffer[] | ((firstSeq: number) => Buffer[])): Promise<number[]> {
    if (this.closed) throw new BufferClosed();
    const payloads = typeof build === 'function' ? build(this.next) : build;
    const seqs = payloads.map((_, i) => this.next + i);
    const frames = payloads.map((payload, i) => encodeFrame(seqs[i]!, payload));
    const incoming = frames.reduce((sum, f) => sum + f.length, 0);
    for (const frame of frames) {
      if (frame.length > this.options.maxBytes) throw new RecordTooLarge(frame.length, this.options.maxBytes);
    }
    if (incoming > this.options.maxBytes) throw new RecordTooLarge(incoming, this.options.maxBytes);
    await this.makeRoom(incoming);
    if (this.activeSegment.bytes >= this.options.segmentBytes) await this.roll();
    await this.active.writev(frames);
    const segment = this.activeSegment;
    segment.bytes += incoming;
    segment.lastSeq = seqs.at(-1) ?? segment.lastSeq;
    this.next += payloads.length;
    this.counters.appendedRecords += payloads.length;
    if (this.options.fsync === 'always') await this.active.sync();
    else this.dirty = true;
    return seqs;
  }

  private async makeRoom(incoming: number): Promise<void> {
    let blocked = false;
    while (this.bytes + incoming > this.options.maxBytes) {
      if (this.closed) throw new BufferClosed();
      if (this.options.onFull === 'drop-oldest') {
        if (this.segments.length === 1) await this.roll();
        const oldest = this.segments.shift()!;
        this.counters.droppedRecords += oldest.lastSeq - Math.max(oldest.firstSeq - 1, this.committed);
        await rm(oldest.path, { force: true });
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
      const handle = await open(segment.path, 'r').catch((error: NodeJS.ErrnoException) => {
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
            if (frame.seq < fromSeq) continue;
            records.push({ seq: frame.seq, payload: Buffer.from(frame.payload) });
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
  private async readChunk(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
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
    const previous = this.segments.slice(0, -1).reverse().find((segment) => segment.bytes > 0);
    if (!previous) return [];
    const data = await readFile(previous.path).catch(() => Buffer.alloc(0));
    const records: BufferedRecord[] = [];
    for (let offset = 0, frame = decodeFrame(data, 0); frame; frame = decodeFrame(data, offset)) {
      offset += frame.size;
      records.push({ seq: frame.seq, payload: Buffer.from(frame.payload) });
    }
    return records;
  }

  /** Marks every record up to `seq` as forwarded; whole forwarded segments are deleted. */
  async commit(seq: number): Promise<void> {
    if (seq <= this.committed) return;
    this.committed = seq;
    const tmp = `${this.checkpointFile}.tmp`;
    const handle = await open(tmp, 'w');
    await handle.writeFile(JSON.stringify({ committedSeq: seq }));
    if (this.options.fsync !== 'never') await handle.sync();
    await handle.close();
    await rename(tmp, this.checkpointFile);
    await this.deleteForwardedSegments();
    const waiters = this.spaceWaiters.splice(0);
    for (const wake of waiters) wake();
  }

  private async deleteForwardedSegments(): Promise<void> {
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= this.committed) {
      await rm(this.segments.shift()!.path, { force: true });
    }
  }

  private async flush(): Promise<void> {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    await this.active.sync();
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
    await this.active.sync();
    await this.active.close();
  }
}
