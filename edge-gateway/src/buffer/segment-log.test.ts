import { appendFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferWriteFailed, CheckpointWriteFailed, RecordTooLarge } from './errors';
import { FaultyFileSystem } from './faulty.file-system';
import { clockSequenceBase, SegmentLog, type SegmentLogOptions } from './segment-log';

const logs: SegmentLog[] = [];
async function openLog(options: Partial<SegmentLogOptions> & { dir?: string } = {}) {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'fm-buffer-')));
  const log = await SegmentLog.open({ dir, maxBytes: 1024 * 1024, segmentBytes: 4096, fsync: 'always', onFull: 'block', ...options });
  logs.push(log);
  return { log, dir };
}
const payload = (i: number) => Buffer.from(`record-${i}`.padEnd(100, '.'));
const texts = (records: Array<{ payload: Buffer }>) => records.map((r) => r.payload.toString().replace(/\.+$/, ''));

afterEach(async () => {
  await Promise.all(logs.splice(0).map((log) => log.close()));
});

describe('SegmentLog', () => {
  it('assigns sequence numbers from 1 and reads records back in order across segments', async () => {
    const { log } = await openLog();
    const seqs = await log.append(Array.from({ length: 200 }, (_, i) => payload(i)));
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBe(200);
    await log.append([payload(200)]);
    const all: Array<{ seq: number; payload: Buffer }> = [];
    for (let from = 1; ;) {
      const batch = await log.read(from, 37);
      if (batch.length === 0) break;
      all.push(...batch);
      from = batch.at(-1)!.seq + 1;
    }
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
    expect(texts(all).slice(0, 2)).toEqual(['record-0', 'record-1']);
    expect(log.stats.segments).toBeGreaterThan(1);
  });

  it('writes a batch of more records than one system call takes (IOV_MAX) completely', async () => {
    const { log } = await openLog({ maxBytes: 1 << 24, segmentBytes: 1 << 22 });
    await log.append(Array.from({ length: 5000 }, (_, i) => payload(i)));
    const all = await log.read(1, 10_000, 1 << 24);
    expect(all).toHaveLength(5000);
    expect(texts(all.slice(-1))).toEqual(['record-4999']);
  });

  it('keeps unforwarded records and the sequence across a restart', async () => {
    const { log, dir } = await openLog();
    await log.append([payload(0), payload(1), payload(2)]);
    await log.commit(1);
    await log.close();
    const { log: reopened } = await openLog({ dir });
    expect(texts(await reopened.read(reopened.stats.committedSeq + 1, 10))).toEqual(['record-1', 'record-2']);
    expect(await reopened.append([payload(3)])).toEqual([4]);
  });

  it('cuts a torn tail after a crash and keeps every complete record', async () => {
    const { log, dir } = await openLog();
    await log.append([payload(0), payload(1)]);
    await log.close();
    const [segment] = await readdir(join(dir, 'segments'));
    await appendFile(join(dir, 'segments', segment!), Buffer.from([0, 0, 0, 50, 1, 2, 3])); // half a frame
    const { log: reopened } = await openLog({ dir });
    expect(reopened.stats.recoveredTornBytes).toBe(7);
    expect(texts(await reopened.read(1, 10))).toEqual(['record-0', 'record-1']);
    expect(await reopened.append([payload(2)])).toEqual([3]);
  });

  it('deletes segments once everything in them is forwarded', async () => {
    const { log } = await openLog();
    for (let i = 0; i < 20; i++) await log.append(Array.from({ length: 10 }, (_, j) => payload(i * 10 + j)));
    const before = log.stats.segments;
    await log.commit(200);
    expect(log.stats.segments).toBeLessThan(before);
    expect(log.pending).toBe(0);
  });

  it("drops the oldest segment when full under 'drop-oldest' and counts every dropped record", async () => {
    const { log } = await openLog({ maxBytes: 8192, segmentBytes: 2048, onFull: 'drop-oldest' });
    for (let i = 0; i < 300; i++) await log.append([payload(i)]);
    const stats = log.stats;
    expect(stats.bytes).toBeLessThanOrEqual(8192);
    expect(stats.droppedRecords).toBeGreaterThan(0);
    const kept = await log.read(1, 1000);
    // Every record is either still buffered or counted as dropped; the kept ones are the newest, in order.
    expect(kept.length + stats.droppedRecords).toBe(300);
    expect(kept.at(-1)!.seq).toBe(300);
    expect(kept.map((r) => r.seq)).toEqual(Array.from({ length: kept.length }, (_, i) => 301 - kept.length + i));
  });

  it("makes appends wait under 'block' until the forwarder commits", async () => {
    const { log } = await openLog({ maxBytes: 4096, segmentBytes: 1024, onFull: 'block' });
    while (log.bytes + 116 <= 4096) await log.append([payload(0)]);
    let done = false;
    const blocked = log.append([payload(1)]).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect(log.stats.blockedAppends).toBe(1);
    await log.commit(log.stats.nextSeq - 1);
    await blocked;
    expect(done).toBe(true);
    expect(log.stats.droppedRecords).toBe(0);
  });

  it('refuses a record larger than the whole buffer', async () => {
    const { log } = await openLog({ maxBytes: 4096, segmentBytes: 1024 });
    await expect(log.append([Buffer.alloc(5000)])).rejects.toBeInstanceOf(RecordTooLarge);
    expect(await log.append([payload(1)])).toEqual([1]);
  });
});

describe('SegmentLog with batch records', () => {
  it("gives a batch record its readings' consecutive numbers, reads it back with them, and counts per reading", async () => {
    const { log, dir } = await openLog({ segmentBytes: 250 });
    const seqs = await log.append((first) => [payload(first), { payload: payload(first + 1), sequences: 50 }, payload(first + 51)]);
    expect(seqs).toEqual([1, 51, 52]);
    expect(log.pending).toBe(52);
    expect((await log.read(1, 10)).map((r) => [r.seq, r.sequences])).toEqual([
      [1, 1],
      [51, 50],
      [52, 1],
    ]);
    await log.commit(51);
    expect(log.pending).toBe(1);
    // A new segment after a restart starts at the next number; a batch there spans from it.
    await log.close();
    const { log: reopened } = await openLog({ dir, segmentBytes: 250 });
    expect(await reopened.append([{ payload: payload(53), sequences: 3 }])).toEqual([55]);
    expect((await reopened.read(52, 10)).map((r) => [r.seq, r.sequences])).toEqual([
      [52, 1],
      [55, 3],
    ]);
    expect(reopened.stats.appendedRecords).toBe(3);
  });

  it('counts every reading of a dropped batch record', async () => {
    const { log } = await openLog({ maxBytes: 600, segmentBytes: 200, onFull: 'drop-oldest' });
    await log.append([{ payload: payload(0), sequences: 40 }]);
    await log.append([payload(1)]);
    for (let i = 2; i < 8; i++) await log.append([payload(i)]);
    const kept = (await log.read(1, 100)).reduce((sum, record) => sum + record.sequences, 0);
    expect(log.stats.droppedRecords).toBeGreaterThanOrEqual(40);
    expect(log.stats.droppedRecords + kept).toBe(47);
  });
});

describe('SegmentLog across restarts', () => {
  it('keeps the records appended after a restart that appended nothing', async () => {
    // Issue 9, defect 1: the empty segment of the idle start was opened a second time, and the first
    // commit after new appends deleted the file being written.
    const { log, dir } = await openLog();
    await log.append([payload(0), payload(1), payload(2)]);
    await log.commit(3);
    await log.close();
    const { log: idle } = await openLog({ dir });
    await idle.close();
    const { log: third } = await openLog({ dir });
    expect(await third.append([payload(3), payload(4)])).toEqual([4, 5]);
    await third.commit(5);
    expect(await third.append([payload(5), payload(6), payload(7)])).toEqual([6, 7, 8]);
    expect(texts(await third.read(6, 10))).toEqual(['record-5', 'record-6', 'record-7']);
    await third.close();
    const { log: fourth } = await openLog({ dir });
    expect(texts(await fourth.read(fourth.stats.committedSeq + 1, 10))).toEqual(['record-5', 'record-6', 'record-7']);
    expect(fourth.stats.droppedRecords).toBe(0);
    expect(await fourth.append([payload(8)])).toEqual([9]);
  });

  it('never reuses a sequence number once every segment before the active one is forwarded and deleted', async () => {
    const { log, dir } = await openLog();
    await log.append([payload(0), payload(1)]);
    await log.close();
    const { log: second } = await openLog({ dir }); // previous segment kept, a new empty one active
    await second.commit(2); // deletes the previous segment; the empty active one keeps the next number
    await second.close();
    const { log: third } = await openLog({ dir });
    expect(await third.append([payload(2)])).toEqual([3]);
  });
});

describe('SegmentLog on an empty folder with a first sequence', () => {
  it('numbers from firstSequence, keeps the numbers across a crash before the first commit, and reports nothing pending below them', async () => {
    const { log, dir } = await openLog({ firstSequence: 5_000 });
    expect(log.stats).toMatchObject({ committedSeq: 4_999, nextSeq: 5_000 });
    expect(await log.append([payload(0), payload(1)])).toEqual([5_000, 5_001]);
    expect(log.pending).toBe(2);
    // A crash: no close, so no checkpoint file was written.
    const { log: reopened } = await openLog({ dir, firstSequence: 9_000 });
    expect(reopened.stats.committedSeq).toBe(4_999);
    expect(reopened.pending).toBe(2);
    expect(texts(await reopened.read(reopened.stats.committedSeq + 1, 10))).toEqual(['record-0', 'record-1']);
    expect(await reopened.append([payload(2)])).toEqual([5_002]);
  });

  it('gives a gateway that lost its folder numbers above those of its earlier life', async () => {
    const startedMs = Date.parse('2026-12-07T03:00:00Z');
    const { log: earlier } = await openLog({ firstSequence: clockSequenceBase(startedMs) });
    const given = await earlier.append(Array.from({ length: 2_000 }, (_, i) => payload(i)));
    // The same gateway on a new disk one second later (2,000 readings a second is a busy gateway).
    const { log: later } = await openLog({ firstSequence: clockSequenceBase(startedMs + 1_000) });
    const [first] = await later.append([payload(0)]);
    expect(first).toBeGreaterThan(given.at(-1)!);
    expect(Number.isSafeInteger(clockSequenceBase(Date.parse('2250-01-01T00:00:00Z')))).toBe(true);
  });
});

describe('SegmentLog on a failing disk', () => {
  async function faultyLog(options: Partial<SegmentLogOptions> = {}) {
    const files = new FaultyFileSystem();
    const opened = await openLog({ files, ...options });
    return { ...opened, files };
  }

  it.each([
    ['a short write (the disk filled mid-write)', { kind: 'short-write', bytes: 150 }],
    ['ENOSPC', { kind: 'enospc' }],
    ['a failed fsync', { kind: 'sync-fails' }],
  ] as const)('rejects an append on %s, cuts the torn bytes off and keeps serving', async (_, fault) => {
    const { log, dir, files } = await faultyLog();
    await log.append([payload(0), payload(1)]);
    files.inject(fault);
    const rejected = log.append([payload(2), payload(3)]);
    await expect(rejected).rejects.toBeInstanceOf(BufferWriteFailed);
    await expect(rejected).rejects.toMatchObject({ records: 2, cause: expect.objectContaining({}) as unknown });
    expect(log.stats).toMatchObject({ rejectedAppends: 1, rejectedRecords: 2, appendedRecords: 2, nextSeq: 3 });
    expect(await log.append([payload(4)])).toEqual([3]);
    expect(texts(await log.read(1, 10))).toEqual(['record-0', 'record-1', 'record-4']);
    await log.close();
    const { log: reopened } = await openLog({ dir });
    expect(reopened.stats.recoveredTornBytes).toBe(0);
    expect(texts(await reopened.read(1, 10))).toEqual(['record-0', 'record-1', 'record-4']);
  });

  it('starts a new segment when a torn write cannot be cut off, and recovery drops the rejected frames', async () => {
    const { log, dir, files } = await faultyLog();
    await log.append([payload(0)]);
    files.inject({ kind: 'short-write', bytes: 116 + 50 }, { kind: 'truncate-fails' }); // one whole frame and a half
    await expect(log.append([payload(1), payload(2)])).rejects.toBeInstanceOf(BufferWriteFailed);
    expect(await log.append([payload(3)])).toEqual([2]);
    expect(texts(await log.read(1, 10))).toEqual(['record-0', 'record-3']);
    await log.close();
    const { log: reopened } = await openLog({ dir });
    // The whole frame of the rejected append is on disk as seq 2 of the sealed segment; the newer
    // segment starting at 2 supersedes it.
    expect((await reopened.read(1, 10)).map((r) => [r.seq, r.payload.toString().replace(/\.+$/, '')])).toEqual([
      [1, 'record-0'],
      [2, 'record-3'],
    ]);
    expect(reopened.stats.recoveredTornBytes).toBe(116 + 50);
  });

  it('empties a sealed segment that holds no record instead of opening its path twice', async () => {
    const { log, dir, files } = await faultyLog();
    files.inject({ kind: 'short-write', bytes: 50 }, { kind: 'truncate-fails' });
    await expect(log.append([payload(0)])).rejects.toBeInstanceOf(BufferWriteFailed);
    expect(await log.append([payload(1)])).toEqual([1]);
    await log.commit(1);
    expect(await log.append([payload(2)])).toEqual([2]);
    await log.close();
    const { log: reopened } = await openLog({ dir });
    expect(reopened.stats.recoveredTornBytes).toBe(0);
    expect(texts(await reopened.read(2, 10))).toEqual(['record-2']);
  });

  it('frees forwarded segments before the checkpoint and writes the checkpoint again after it failed', async () => {
    const { log, dir, files } = await faultyLog({ segmentBytes: 1024 });
    for (let i = 0; i < 30; i++) await log.append([payload(i)]);
    const before = log.stats.segments;
    files.inject({ kind: 'checkpoint-fails' });
    await expect(log.commit(20)).rejects.toBeInstanceOf(CheckpointWriteFailed);
    expect(log.stats).toMatchObject({ committedSeq: 20, failedCheckpoints: 1 });
    expect(log.stats.segments).toBeLessThan(before);
    expect(texts(await log.read(21, 1))).toEqual(['record-20']);
    await log.commit(20); // the same position again: now it is saved
    await log.close();
    const { log: reopened } = await openLog({ dir, segmentBytes: 1024 });
    expect(reopened.stats.committedSeq).toBe(20);
  });

  it('starts on a full disk, forwards, and takes appends again once a segment can be created', async () => {
    // Failing to open would crash-loop the gateway on a full disk: forwarding is what frees the space.
    const { log, dir } = await openLog();
    await log.append([payload(0), payload(1)]);
    await log.close();
    const files = new FaultyFileSystem();
    files.inject({ kind: 'create-fails' }, { kind: 'create-fails' });
    const { log: full } = await openLog({ dir, files });
    expect(texts(await full.lastSessionTail())).toEqual(['record-0', 'record-1']);
    await expect(full.append([payload(2)])).rejects.toBeInstanceOf(BufferWriteFailed);
    expect(texts(await full.read(1, 10))).toEqual(['record-0', 'record-1']);
    await full.commit(2);
    expect(await full.append([payload(2)])).toEqual([3]);
    await full.close();
    const { log: reopened } = await openLog({ dir });
    expect(texts(await reopened.read(3, 10))).toEqual(['record-2']);
  });

  it("counts a failed background fsync ('interval') instead of crashing, and retries it", async () => {
    const { log, files } = await faultyLog({ fsync: 'interval', fsyncIntervalMs: 5 });
    files.inject({ kind: 'sync-fails' });
    await log.append([payload(0)]);
    await expect.poll(() => log.stats.failedFlushes).toBe(1);
    await expect.poll(() => files.pendingFaults).toBe(0);
    expect(await log.append([payload(1)])).toEqual([2]);
  });
});

describe('SegmentLog.lastSessionTail', () => {
  it('returns what the previous session buffered last, forwarded or not', async () => {
    const { log, dir } = await openLog();
    await log.append([payload(0), payload(1)]);
    await log.commit(2);
    await log.close();
    const { log: reopened } = await openLog({ dir });
    expect(texts(await reopened.lastSessionTail())).toEqual(['record-0', 'record-1']);
  });

  it('is empty on a first start', async () => {
    const { log } = await openLog();
    expect(await log.lastSessionTail()).toEqual([]);
  });
});
