import { describe, expect, it } from 'vitest';
import { rate } from './throughput.sampler';

describe('throughput rate', () => {
  it('is records written per second between two samples of the end offsets', () => {
    expect(rate({ atMs: 1_000, records: 100 }, { atMs: 3_000, records: 1_100 })).toBe(500);
  });

  it('is unknown until there are two samples, or when offsets went back (topic recreated)', () => {
    expect(rate(undefined, { atMs: 1_000, records: 5 })).toBeNull();
    expect(rate({ atMs: 1_000, records: 50 }, { atMs: 2_000, records: 10 })).toBeNull();
    expect(rate({ atMs: 1_000, records: 5 }, { atMs: 1_000, records: 5 })).toBeNull();
  });
});
