import type { StreamRecord } from '@fieldmesh/streams';
import { describe, expect, it } from 'vitest';
import { mergeByEventTime } from './event-time.merge';

const rec = (partition: number, offset: number, time: number): StreamRecord<number> => ({
  topic: 't',
  partition,
  offset: String(offset),
  key: null,
  value: time,
  timestamp: 0,
  headers: {},
});

describe('mergeByEventTime', () => {
  it('interleaves partitions by event time and keeps each partition in offset order', () => {
    const batch = [rec(0, 0, 10), rec(0, 1, 30), rec(0, 2, 20), rec(1, 0, 15), rec(1, 1, 25)];
    const merged = mergeByEventTime(batch, (r) => r.value);
    expect(merged.map((r) => `${r.partition}@${r.offset}`)).toEqual(['0@0', '1@0', '1@1', '0@1', '0@2']);
  });

  it('leaves a single-partition batch as it is', () => {
    const batch = [rec(0, 0, 30), rec(0, 1, 10)];
    expect(mergeByEventTime(batch, (r) => r.value)).toEqual(batch);
  });
});
