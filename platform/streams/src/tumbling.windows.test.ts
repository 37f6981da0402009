import { describe, expect, it } from 'vitest';
import { EventTimeBeyondClockSkew, RecordFailed } from './errors';
import type { StreamRecord } from './stream.types';
import { TumblingWindows } from './tumbling.windows';

interface Reading {
  asset: string;
  at: number;
  value: number;
}

let nextOffset = 0;
function reading(asset: string, at: number, value = 1, partition = 0): StreamRecord<Reading> {
  return { topic: 'in', partition, offset: String(nextOffset++), key: asset, value: { asset, at, value }, timestamp: at, headers: {} };
}

function sums(options: { allowedLatenessMs?: number; onLate?: (r: StreamRecord<Reading>) => void; clock?: () => number; idleTimeoutMs?: number } = {}) {
  return new TumblingWindows<string, { sum: number; count: number }, { sum: number; count: number }, Reading>({
    name: 'sum-1m',
    sizeMs: 60_000,
    allowedLatenessMs: options.allowedLatenessMs ?? 0,
    keyOf: (r) => r.value.asset,
    eventTimeOf: (r) => r.value.at,
    init: () => ({ sum: 0, count: 0 }),
    add: (acc, r) => {
      acc.sum += r.value.value;
      acc.count += 1;
      return acc;
    },
    result: (acc) => ({ ...acc }),
    ...(options.onLate ? { onLate: options.onLate } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
  });
}

const pendingOf = (...partitions: number[]) => ({ pending: new Set(partitions.map((p) => `in\u0000${p}`)) });

describe('TumblingWindows', () => {
  it('restored from per-partition checkpoints, skips what another instance emitted for a partition and rebuilds what it did not', () => {
    const late: number[] = [];
    const windows = sums({ onLate: (r) => late.push(r.value.at) });
    const at = (partition: number, offset: number, asset: string, time: number) => ({ ...reading(asset, time, 1, partition), offset: String(offset) });
    // Partition 0 comes from an instance that had emitted its windows up to 180 s (read to offset 10), partition 1 from one at 60 s.
    windows.restore({
      watermark: Number.NEGATIVE_INFINITY,
      readUntil: new Map([
        ['in\u00000', 10n],
        ['in\u00001', 4n],
      ]),
      partitionWatermarks: new Map([
        ['in\u00000', 180_000],
        ['in\u00001', 60_000],
      ]),
    });
    expect(windows.watermark()).toBe(60_000);
    // Replayed, of a window partition 0's instance emitted: skipped, neither late nor emitted again.
    expect(windows.add(at(0, 5, 'a', 130_000))).toEqual([]);
    // New, for that emitted window: late, as it would have been on the instance that emitted it.
    expect(windows.add(at(0, 11, 'a', 150_000))).toEqual([]);
    // Partition 1's window [60 s, 120 s) was not emitted: rebuilt from the replay, it closes once.
    expect(windows.add(at(1, 2, 'b', 70_000))).toEqual([]);
    expect(windows.add(at(1, 5, 'b', 125_000))).toEqual([{ key: 'b', start: 60_000, end: 120_000, value: { sum: 1, count: 1 } }]);
    expect(late).toEqual([150_000]);
    expect(windows.stats()).toMatchObject({ replayedRecords: 1, lateRecords: 1 });
    // Each partition's next checkpoint never goes below what was emitted for it.
    expect(windows.partitionWatermark('in\u00000')).toBe(180_000);
    expect(windows.partitionWatermark('in\u00001')).toBe(windows.watermark());
  });

  it('restored with a partition of its share that no one committed (at the beginning of time), waits for it: its first windows are not late', () => {
    const late: number[] = [];
    const windows = sums({ allowedLatenessMs: 20_000, onLate: (r) => late.push(r.value.at) });
    const at = (partition: number, offset: number, asset: string, time: number) => ({ ...reading(asset, time, 1, partition), offset: String(offset) });
    // Partition 0 was checkpointed with its windows emitted up to 100 s; partition 1 was taken over before anyone committed it.
    windows.restore({
      watermark: Number.NEGATIVE_INFINITY,
      readUntil: new Map([['in\u00000', 10n]]),
      partitionWatermarks: new Map([
        ['in\u00000', 100_000],
        ['in\u00001', Number.NEGATIVE_INFINITY],
      ]),
    });
    windows.progress(pendingOf(0, 1));
    expect(windows.add(at(0, 11, 'a', 170_000))).toEqual([]);
    // Partition 1's minute 0 arrives after partition 0 has moved on: still counted.
    expect(windows.add(at(1, 0, 'b', 10_000))).toEqual([]);
    expect(windows.add(at(1, 1, 'b', 190_000))).toEqual([{ key: 'b', start: 0, end: 60_000, value: { sum: 1, count: 1 } }]);
    expect(late).toEqual([]);
  });

  it('closes a window per key once event time passes its end, with every record of the window', () => {
    const windows = sums();
    expect(windows.add(reading('a', 1_000, 2))).toEqual([]);
    expect(windows.add(reading('b', 2_000, 5))).toEqual([]);
    expect(windows.add(reading('a', 59_999, 3))).toEqual([]);
    const closed = windows.add(reading('a', 60_000, 7));
    expect(closed).toEqual([
      { key: 'a', start: 0, end: 60_000, value: { sum: 5, count: 2 } },
      { key: 'b', start: 0, end: 60_000, value: { sum: 5, count: 1 } },
    ]);
    expect(windows.flush()).toEqual([{ key: 'a', start: 60_000, end: 120_000, value: { sum: 7, count: 1 } }]);
  });

  it('keeps a window open for the allowed lateness and counts out-of-order records in it', () => {
    const windows = sums({ allowedLatenessMs: 10_000 });
    windows.add(reading('a', 50_000));
    expect(windows.add(reading('a', 65_000))).toEqual([]);
    expect(windows.add(reading('a', 55_000))).toEqual([]);
    const closed = windows.add(reading('a', 70_000));
    expect(closed).toEqual([{ key: 'a', start: 0, end: 60_000, value: { sum: 2, count: 2 } }]);
  });

  it('reports a record that arrives after its window closed instead of dropping it silently', () => {
    const late: StreamRecord<Reading>[] = [];
    const windows = sums({ onLate: (r) => late.push(r) });
    windows.add(reading('a', 10_000));
    windows.add(reading('a', 61_000));
    const straggler = reading('a', 20_000);
    expect(windows.add(straggler)).toEqual([]);
    expect(late).toEqual([straggler]);
    expect(windows.stats()).toMatchObject({ lateRecords: 1, closedWindows: 1, openWindows: 1 });
    // It owes no output (a stall check must not wait for one); the two on time do.
    expect(windows.recordsOwingNoOutput()).toBe(1);
  });

  it('reports the oldest offset still held per partition, which moves on when windows close', () => {
    const windows = sums();
    const first = reading('a', 1_000, 1, 0);
    reading('x', 0); // an offset the windows never saw
    const other = reading('b', 2_000, 1, 1);
    windows.add(first);
    windows.add(other);
    expect([...windows.heldOffsets()].map((p) => [p.partition, p.offset])).toEqual([
      [0, BigInt(first.offset)],
      [1, BigInt(other.offset)],
    ]);
    const next = reading('a', 61_000, 1, 0);
    windows.add(next);
    expect([...windows.heldOffsets()].map((p) => [p.partition, p.offset])).toEqual([[0, BigInt(next.offset)]]);
  });

  it('after a restore, skips replayed records of windows it had emitted and rebuilds open ones completely', () => {
    // Out of order within the lateness: offset 2 belongs to the first window, which closes before offset 1's does.
    const records = [reading('a', 50_000, 1), reading('a', 65_000, 2), reading('a', 55_000, 4), reading('a', 71_000, 8)];
    const original = sums({ allowedLatenessMs: 10_000 });
    expect(records.flatMap((r) => original.add(r))).toEqual([{ key: 'a', start: 0, end: 60_000, value: { sum: 5, count: 2 } }]);
    const held = [...original.heldOffsets()][0]?.offset;
    expect(held).toBe(BigInt(records[1]?.offset ?? -1));

    // A restart: state comes back from the checkpoint and the replay starts at the commit low-watermark.
    const restarted = sums({ allowedLatenessMs: 10_000 });
    const readUntil = new Map([['in\u00000', BigInt(records.at(-1)?.offset ?? 0) + 1n]]);
    restarted.restore({ watermark: original.watermark(), readUntil });
    const replay = records.filter((r) => BigInt(r.offset) >= (held ?? 0n));
    expect(replay.flatMap((r) => restarted.add(r))).toEqual([]);
    const next = reading('a', 125_000);
    expect(restarted.add(next)).toEqual(original.add(next));
    expect(restarted.stats()).toMatchObject({ lateRecords: 0, replayedRecords: 1 });
    expect(restarted.recordsOwingNoOutput()).toBe(1);
  });

  it('quarantines a record stamped beyond the clock skew: it closes nothing, later records still close their windows, and the job dead-letters it', () => {
    const now = 100 * 60_000;
    const windows = sums({ clock: () => now });
    windows.add(reading('a', now - 3 * 60_000));
    windows.add(reading('b', now - 3 * 60_000 + 1_000));
    const tenYearsAhead = reading('b', now + 10 * 365 * 86_400_000);
    expect(windows.add(tenYearsAhead)).toEqual([]);
    expect(windows.watermark()).toBe(now - 3 * 60_000 + 1_000);
    const [quarantined] = windows.takeQuarantined();
    expect(quarantined).toBeInstanceOf(RecordFailed);
    expect(quarantined?.record).toBe(tenYearsAhead);
    expect(quarantined?.cause).toBeInstanceOf(EventTimeBeyondClockSkew);
    expect(quarantined?.message).toContain('beyond the maximum clock skew of 300000 ms');
    expect(windows.takeQuarantined()).toEqual([]);
    const closed = windows.add(reading('a', now - 2 * 60_000));
    expect(closed.map((w) => [w.key, w.value.count])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(windows.stats()).toMatchObject({ quarantinedRecords: 1, lateRecords: 0 });
    // Dead-lettered by the job, so counted there, not here.
    expect(windows.recordsOwingNoOutput()).toBe(0);
  });

  it('does not let a lone record jumping its partition ahead close windows; the next record agreeing does', () => {
    const windows = sums();
    windows.add(reading('a', 1_000));
    // Ten minutes ahead: more than the clock skew, so on its own it moves nothing.
    expect(windows.add(reading('a', 600_000))).toEqual([]);
    expect(windows.add(reading('b', 30_000))).toEqual([]);
    expect(windows.add(reading('b', 40_000))).toEqual([]);
    expect(windows.stats()).toMatchObject({ loneJumps: 1, lateRecords: 0, watermark: 40_000 });
    // Two records in a row that far ahead: the jump is real.
    expect(windows.add(reading('b', 605_000))).toEqual([]);
    const closed = windows.add(reading('a', 606_000));
    expect(closed.map((w) => [w.key, w.start, w.value.count])).toEqual([
      ['a', 0, 1],
      ['b', 0, 2],
    ]);
    expect(windows.watermark()).toBe(605_000);
  });

  it('does not trust a checkpointed watermark beyond the clock skew: the replay rebuilds and emits the windows', () => {
    const now = 100 * 60_000;
    const restarted = sums({ clock: () => now });
    restarted.restore({ watermark: now + 10 * 365 * 86_400_000, readUntil: new Map([['in\u00000', BigInt(nextOffset)]]) });
    expect(restarted.watermark()).toBe(Number.NEGATIVE_INFINITY);
    restarted.add(reading('a', now - 5 * 60_000));
    expect(restarted.add(reading('a', now - 4 * 60_000)).map((w) => [w.key, w.start])).toEqual([['a', now - 5 * 60_000]]);
    expect(restarted.stats()).toMatchObject({ untrustedWatermarks: 1, lateRecords: 0, replayedRecords: 0 });
  });

  it('waits for a partition with records to come: one read ahead closes nothing until the others catch up', () => {
    const windows = sums();
    windows.progress(pendingOf(0, 1));
    windows.add(reading('a', 10_000, 1, 0));
    // Partition 0 reaches minute 3 while partition 1, not read yet, still has its first minute to come.
    expect(windows.add(reading('a', 180_000, 1, 0))).toEqual([]);
    expect(windows.add(reading('b', 20_000, 1, 1))).toEqual([]);
    const closed = windows.add(reading('b', 130_000, 1, 1));
    expect(closed.map((w) => [w.key, w.start])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
    expect(windows.stats()).toMatchObject({ lateRecords: 0, watermark: 130_000 });
  });

  it('lets a caught-up partition go: the next record of a partition with records to come closes the windows', () => {
    const windows = sums();
    windows.progress(pendingOf(0, 1));
    windows.add(reading('a', 10_000, 1, 0));
    windows.add(reading('b', 20_000, 1, 1));
    expect(windows.add(reading('a', 70_000, 1, 0))).toEqual([]);
    // Partition 1 is caught up (the runtime no longer names it): it holds nothing back.
    windows.progress(pendingOf(0));
    expect(windows.add(reading('a', 75_000, 1, 0)).map((w) => [w.key, w.start])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
  });

  it('takes a partition said to have records to come as idle when none reach the windows within the idle timeout', () => {
    let now = 1_000_000;
    const windows = sums({ clock: () => now, idleTimeoutMs: 30_000 });
    // Partition 1 has records (its log was emptied by retention, or the handler filters them all): none come.
    windows.progress(pendingOf(0, 1));
    windows.add(reading('a', 10_000, 1, 0));
    expect(windows.add(reading('a', 70_000, 1, 0))).toEqual([]);
    now += 30_001;
    windows.progress(pendingOf(0, 1));
    expect(windows.add(reading('a', 71_000, 1, 0)).map((w) => [w.key, w.start])).toEqual([['a', 0]]);
    // Caught up, then records to come again, none of which ever reached the windows: it does not hold time again.
    windows.progress(pendingOf(0));
    windows.progress(pendingOf(0, 1));
    expect(windows.add(reading('a', 130_000, 1, 0)).map((w) => [w.key, w.start])).toEqual([['a', 60_000]]);
  });

  it("without progress from a runtime, event time is the highest of the partitions'", () => {
    const windows = sums();
    windows.add(reading('a', 10_000, 1, 0));
    windows.add(reading('b', 20_000, 1, 1));
    expect(windows.add(reading('a', 70_000, 1, 0)).map((w) => [w.key, w.start])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
  });

  it('rejects a window size that is not positive', () => {
    expect(() => new TumblingWindows({ name: 'w', sizeMs: 0, keyOf: () => 'k', eventTimeOf: () => 0, init: () => 0, add: (a) => a, result: (a) => a })).toThrow(/sizeMs/);
  });
});
