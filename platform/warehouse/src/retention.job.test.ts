import { describe, expect, it } from 'vitest';
import { expiredPartitions, partitionEnd } from './retention.job';

describe('retention by dropping partitions', () => {
  it('knows where a daily or monthly partition ends', () => {
    expect(partitionEnd('20261130', 'day')).toBe(Date.UTC(2026, 11, 1));
    expect(partitionEnd('202612', 'month')).toBe(Date.UTC(2027, 0, 1));
    expect(partitionEnd('tuple()', 'day')).toBeUndefined();
  });

  it('drops only partitions whose every row is older than the retention', () => {
    const now = Date.UTC(2026, 10, 21, 12);
    // 90 days before now is 2026-08-23 12:00: the day 2026-08-22 is wholly expired, 2026-08-23 is not.
    expect(expiredPartitions(['20260822', '20260823', '20261121'], { partitionGranularity: 'day', retentionDays: 90 }, now)).toEqual(['20260822']);
  });
});
