import { appendFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordTooLarge } from './errors';
import { SegmentLog, type SegmentLogOptions } from './segment-log';

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
    for (let from = 1; ; ) {
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
